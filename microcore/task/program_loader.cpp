// Loading an ELF program into a new task (see microcore/program_loader.h).
//
// Segments are mapped read-write first so the kernel can fill them through
// the normal user-copy path (which faults pages in on demand), then given
// their final ELF protection. The task's page tables are active only for the
// duration of the copy; the kernel half is shared, so nothing else changes.
#include "microcore/program_loader.h"

#include "hal/address_space.h"
#include "hal/user_memory.h"
#include "microcore/address_map_glue.h"
#include "microcore/elf_image.h"
#include "microcore/ipc_glue.h"
#include "microcore/scheduler.h"

namespace microcore {
namespace {

vm::Protection protection_of(const ElfSegment& segment) {
  return {segment.readable() || segment.executable(), segment.writable(), segment.executable(), true};
}

// Activates a task's address space for the kernel thread doing the
// loading, so user copies (and the faults they take) land in that task.
class AddressSpaceScope {
 public:
  explicit AddressSpaceScope(Task& task) : previous_(hal::address_space::active()) {
    set_borrowed_task(&task);
    hal::address_space::activate(task.page_table_root());
  }
  ~AddressSpaceScope() {
    hal::address_space::activate(previous_);
    set_borrowed_task(nullptr);
  }

 private:
  uint64_t previous_;
};

rtl::Result<void> load_segments(Task& task, const ElfImage& image, const uint8_t* elf) {
  vm::AddressMap& map = address_map(task);
  AddressSpaceScope scope(task);
  for (size_t i = 0; i < image.segment_count; ++i) {
    const ElfSegment& segment = image.segments[i];
    uint64_t start = segment.vaddr & ~(ElfImage::kPageSize - 1);
    uint64_t end = (segment.vaddr + segment.memsz + ElfImage::kPageSize - 1) & ~(ElfImage::kPageSize - 1);
    TRY(map.map_anonymous(end - start, vm::Protection::read_write(), start, true));
    if (!hal::copy_to_user(segment.vaddr, elf + segment.file_offset, segment.filesz))
      return rtl::Error(rtl::Errc::io_error, "could not fill a program segment");
    TRY(map.protect(start, end - start, protection_of(segment)));
  }
  return {};
}

// Writes the argument string at the top of the (mapped) stack; returns its
// address.
rtl::Result<uint64_t> place_arguments(Task& task, std::string_view arguments) {
  if (arguments.size() > 1024) return rtl::Error(rtl::Errc::too_big, "program arguments over 1024 bytes");
  uint64_t text = (kUserStackTop - arguments.size() - 1) & ~uint64_t(15);
  AddressSpaceScope scope(task);
  char terminator = '\0';
  if (!hal::copy_to_user(text, arguments.data(), arguments.size()) ||
      !hal::copy_to_user(text + arguments.size(), &terminator, 1))
    return rtl::Error(rtl::Errc::io_error, "could not place program arguments");
  return text;
}

rtl::Result<uint64_t> build_stack(Task& task, std::string_view arguments) {
  uint64_t base = kUserStackTop - kUserStackSize;
  TRY(address_map(task).map_anonymous(kUserStackSize, vm::Protection::read_write(), base, true));
  return place_arguments(task, arguments);
}

// The ABI wants RSP 16-aligned at entry; the argument text sits above it.
uint64_t entry_stack_pointer(uint64_t argument_text) { return argument_text - 64; }

}  // namespace

rtl::Result<Task*> spawn_program(const char* name, const uint8_t* elf, size_t size, std::string_view arguments,
                                 uint8_t priority) {
  Task* task = TRY(spawn_program_suspended(name, elf, size, arguments, priority));
  resume_program(*task);
  return task;
}

void resume_program(Task& task) {
  if (Thread* first = task.first_thread(); first && first->state == ThreadState::ready) make_ready(first);
}

rtl::Result<void> set_program_arguments(Task& task, std::string_view arguments) {
  Thread* first = task.first_thread();
  if (!first || first->state != ThreadState::ready || task.thread_count() != 1)
    return rtl::Error(rtl::Errc::invalid_argument, "the program has already started");
  uint64_t text = TRY(place_arguments(task, arguments));
  first->user_arg0 = text;
  first->user_arg1 = arguments.size();
  first->user_rsp = entry_stack_pointer(text);
  return {};
}

rtl::Result<Task*> spawn_program_suspended(const char* name, const uint8_t* elf, size_t size,
                                           std::string_view arguments, uint8_t priority) {
  ElfImage image = TRY(parse_elf_image(elf, size));
  Task* task = TRY(create_task(name));
  auto started = [&]() -> rtl::Result<Thread*> {
    TRY(attach_address_map(*task));
    TRY(ipc_attach_space(*task));
    TRY(load_segments(*task, image, elf));
    uint64_t argument_text = TRY(build_stack(*task, arguments));
    return create_user_thread(*task, image.entry, entry_stack_pointer(argument_text), argument_text,
                              arguments.size(), priority);
  }();
  if (started.is_error()) {
    destroy_task(task);
    return started.error();
  }
  return task;
}

}  // namespace microcore
