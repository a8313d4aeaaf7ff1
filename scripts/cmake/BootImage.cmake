# The ESP directory (build/esp): what the firmware boots. scripts/run and the
# boot tests turn it into a FAT image, adding \amphi\boot.cfg with the kernel
# command line of that run.
#
#   esp/EFI/BOOT/BOOTX64.EFI   the loader (uefi/)
#   esp/amphi/kernel.elf       the kernel image without debug information:
#                              the loader reads every byte at boot, panics use
#                              the embedded .ksyms table, and gdb uses the full
#                              build/kernel.elf
set(AMPHI_ESP_DIR ${CMAKE_BINARY_DIR}/esp)
add_custom_command(
  OUTPUT ${AMPHI_ESP_DIR}/amphi/kernel.elf
  COMMAND ${CMAKE_COMMAND} -E make_directory ${AMPHI_ESP_DIR}/amphi
  COMMAND objcopy --strip-debug $<TARGET_FILE:amphi_kernel> ${AMPHI_ESP_DIR}/amphi/kernel.elf
  DEPENDS amphi_kernel
  COMMENT "Placing the kernel on the ESP")
add_custom_target(amphi_esp ALL DEPENDS ${AMPHI_ESP_DIR}/amphi/kernel.elf amphi_loader)
