# The kernel image: link every layer's kernel objects, embed a symbol table,
# check the result.
#
#   amphi_kernel_stage1  first link, empty .ksyms section
#   ksyms.bin            sorted function symbols of stage 1 (scripts/gen_ksyms.py)
#   amphi_kernel         second link with ksyms.bin in .ksyms -> kernel.elf
# .ksyms is the last section (hal/x86_64/kernel.ld), so filling it moves no
# other address; scripts/check_kernel_image.py proves that, and that no code
# outside .text.fpu touches vector registers.
find_package(Python3 REQUIRED COMPONENTS Interpreter)

get_property(kernel_libs GLOBAL PROPERTY AMPHI_KERNEL_OBJECTS)
get_property(fpu_libs GLOBAL PROPERTY AMPHI_FPU_OBJECTS)
set(kernel_objects)
# SSE objects last: for inline functions both kinds of unit instantiate, the
# linker keeps the first copy it sees, which must be the general-register one.
foreach(lib IN LISTS kernel_libs fpu_libs)
  list(APPEND kernel_objects $<TARGET_OBJECTS:${lib}>)
endforeach()

set(kernel_ld ${AMPHI_ROOT}/hal/x86_64/kernel.ld)
set(kernel_link_options
    -nostdlib -static -no-pie -Wl,-T,${kernel_ld} -Wl,--gc-sections
    -Wl,-z,max-page-size=0x1000 -Wl,--build-id=none -Wl,-z,noexecstack
    -Wl,--no-warn-rwx-segments)

function(amphi_kernel_link target)
  add_executable(${target} ${kernel_objects} ${ARGN})
  set_target_properties(${target} PROPERTIES LINKER_LANGUAGE CXX LINK_DEPENDS ${kernel_ld})
  target_link_options(${target} PRIVATE ${kernel_link_options})
  target_link_libraries(${target} PRIVATE gcc)
endfunction()

amphi_kernel_link(amphi_kernel_stage1)

file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/generated)
set(ksyms_bin ${CMAKE_BINARY_DIR}/generated/ksyms.bin)
set(ksyms_obj ${CMAKE_BINARY_DIR}/generated/ksyms.o)
add_custom_command(
  OUTPUT ${ksyms_bin} ${ksyms_obj}
  COMMAND ${Python3_EXECUTABLE} ${AMPHI_ROOT}/scripts/gen_ksyms.py
          $<TARGET_FILE:amphi_kernel_stage1> ${ksyms_bin}
  COMMAND objcopy -I binary -O elf64-x86-64 -B i386:x86-64
          --rename-section .data=.ksyms,alloc,load,readonly,data,contents
          ${ksyms_bin} ${ksyms_obj}
  WORKING_DIRECTORY ${CMAKE_BINARY_DIR}/generated
  DEPENDS amphi_kernel_stage1 ${AMPHI_ROOT}/scripts/gen_ksyms.py
  COMMENT "Embedding the kernel symbol table")
set_source_files_properties(${ksyms_obj} PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)

amphi_kernel_link(amphi_kernel ${ksyms_obj})
set_target_properties(amphi_kernel PROPERTIES OUTPUT_NAME kernel.elf SUFFIX "")
add_custom_command(TARGET amphi_kernel POST_BUILD
  COMMAND ${Python3_EXECUTABLE} ${AMPHI_ROOT}/scripts/check_kernel_image.py
          $<TARGET_FILE:amphi_kernel_stage1> $<TARGET_FILE:amphi_kernel>
  COMMENT "Checking kernel image invariants")
