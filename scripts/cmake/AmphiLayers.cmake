# How every layer is built, in one place.
#
# Amphi compiles the same portable source twice: once freestanding for the
# kernel and once hosted for GoogleTest. A layer declares its sources by role
# with amphi_layer(); this file turns that into
#   <layer>_kernel  OBJECT library, kernel flags (no SSE, no red zone, ...)
#   <layer>_fpu     OBJECT library, kernel flags plus SSE: the only code that may
#                   touch vector registers, always called inside an FPU scope
#   <layer>_host    OBJECT library, ordinary host flags, for tests
# Include directories enforce the layer rule: a layer sees its own include/
# and those of the layers named in USES, nothing else.

set(AMPHI_WARNINGS -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor
    -Wno-missing-field-initializers)

# Kernel code: freestanding C++20 in the top 2 GiB (-mcmodel=kernel). No red
# zone (interrupts push onto the current stack), no vector registers (user
# FPU state is saved lazily), frame pointers kept for panic backtraces.
set(AMPHI_KERNEL_COMMON_FLAGS
    -ffreestanding -fno-exceptions -fno-rtti -fno-threadsafe-statics
    -fno-use-cxa-atexit -fno-stack-protector -fno-pic -fno-pie
    -mcmodel=kernel -mno-red-zone -fno-omit-frame-pointer
    -mno-omit-leaf-frame-pointer -fno-asynchronous-unwind-tables
    -ffunction-sections -fdata-sections -fno-strict-aliasing
    -DAMPHI_KERNEL=1 -DFMT_STATIC_THOUSANDS_SEPARATOR=0x27)
set(AMPHI_KERNEL_FLAGS ${AMPHI_KERNEL_COMMON_FLAGS} -mgeneral-regs-only)
set(AMPHI_FPU_FLAGS ${AMPHI_KERNEL_COMMON_FLAGS} -mno-mmx -msse -msse2)

define_property(GLOBAL PROPERTY AMPHI_KERNEL_OBJECTS
  BRIEF_DOCS "kernel object libraries" FULL_DOCS "in link order")
define_property(GLOBAL PROPERTY AMPHI_FPU_OBJECTS
  BRIEF_DOCS "SSE object libraries" FULL_DOCS "linked after all others")
define_property(GLOBAL PROPERTY AMPHI_HOST_OBJECTS
  BRIEF_DOCS "host object libraries" FULL_DOCS "for tests")

# amphi_layer(<name> [USES layer...] [PORTABLE src...] [KERNEL src...]
#             [FPU src...] [HOST src...])
#  PORTABLE  built for kernel and host
#  KERNEL    kernel only (hardware code, freestanding libc pieces)
#  FPU       kernel with SSE (see rtl/src/format_fpu.cpp); hosted as usual
#  HOST      host only (the hosted HAL, test doubles)
function(amphi_layer name)
  cmake_parse_arguments(L "" "" "USES;PORTABLE;KERNEL;FPU;HOST" ${ARGN})
  set(includes ${CMAKE_CURRENT_SOURCE_DIR}/include)
  foreach(dep IN LISTS L_USES)
    list(APPEND includes ${AMPHI_ROOT}/${dep}/include)
  endforeach()
  # The runtime library and the boot record are usable by every layer.
  list(APPEND includes ${AMPHI_ROOT}/rtl/include ${AMPHI_ROOT}/uefi/include)
  list(REMOVE_DUPLICATES includes)

  if(L_PORTABLE OR L_KERNEL)
    add_library(${name}_kernel OBJECT ${L_PORTABLE} ${L_KERNEL})
    target_include_directories(${name}_kernel PRIVATE ${includes})
    target_compile_options(${name}_kernel PRIVATE
      "$<$<COMPILE_LANGUAGE:CXX>:${AMPHI_KERNEL_FLAGS};${AMPHI_WARNINGS}>"
      "$<$<COMPILE_LANGUAGE:ASM>:-DAMPHI_KERNEL=1>")
    set_property(GLOBAL APPEND PROPERTY AMPHI_KERNEL_OBJECTS ${name}_kernel)
  endif()
  if(L_FPU)
    add_library(${name}_fpu OBJECT ${L_FPU})
    target_include_directories(${name}_fpu PRIVATE ${includes})
    target_compile_options(${name}_fpu PRIVATE "$<$<COMPILE_LANGUAGE:CXX>:${AMPHI_FPU_FLAGS};${AMPHI_WARNINGS}>")
    set_property(GLOBAL APPEND PROPERTY AMPHI_FPU_OBJECTS ${name}_fpu)
  endif()
  if(L_PORTABLE OR L_HOST OR L_FPU)
    add_library(${name}_host OBJECT ${L_PORTABLE} ${L_FPU} ${L_HOST})
    target_include_directories(${name}_host PUBLIC ${includes})
    target_compile_options(${name}_host PRIVATE ${AMPHI_WARNINGS} -g)
    target_compile_definitions(${name}_host PUBLIC AMPHI_HOSTED=1)
    set_property(GLOBAL APPEND PROPERTY AMPHI_HOST_OBJECTS ${name}_host)
  endif()
endfunction()
