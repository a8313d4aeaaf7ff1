# The virtio-blk test disk (build/disk.img, 16 MiB): every sector names
# itself (scripts/mkdisk.py). scripts/lib/amphi_qemu.py gives each boot its
# own copy, so guests may write to it freely.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(AMPHI_DISK_IMAGE ${CMAKE_BINARY_DIR}/disk.img)
add_custom_command(
  OUTPUT ${AMPHI_DISK_IMAGE}
  COMMAND ${Python3_EXECUTABLE} ${AMPHI_ROOT}/scripts/mkdisk.py ${AMPHI_DISK_IMAGE} --mib 16
  DEPENDS ${AMPHI_ROOT}/scripts/mkdisk.py
  COMMENT "Writing the virtio-blk test disk")
add_custom_target(amphi_disk ALL DEPENDS ${AMPHI_DISK_IMAGE})
