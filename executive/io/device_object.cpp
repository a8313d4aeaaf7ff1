// DeviceObject: slots, the gate, completions and crash recovery (see
// device_object.h). Mode switches are in mode_switch.cpp.
#include "device_object.h"

#include <cstring>

#include "hal/memory_layout.h"
#include "microcore/device_services.h"
#include "microcore/physical_memory.h"
#include "rtl/alloc.h"
#include "rtl/format.h"
#include "rtl/log.h"
#include "rtl/platform.h"

namespace executive::io {

const char* state_name(DeviceState state) {
  switch (state) {
    case DeviceState::starting: return "starting";
    case DeviceState::running: return "running";
    case DeviceState::switching: return "switching";
    case DeviceState::restarting: return "restarting";
    case DeviceState::failed: return "failed";
  }
  return "?";
}

namespace {

// Contiguous, zeroed pages from the direct map; both modes hand them to the
// driver (the server host maps the same frames into its task).
rtl::Result<drivers::Memory> allocate_area(uint64_t bytes) {
  if (bytes == 0) return drivers::Memory{};
  uint64_t pages = (bytes + 4095) / 4096;
  uint64_t physical = TRY(microcore::allocate_frames(pages));
  auto* cpu = reinterpret_cast<uint8_t*>(hal::phys_to_virt(physical));
  memset(cpu, 0, pages * 4096);
  return drivers::Memory{cpu, physical, pages * 4096};
}

// The device (or its driver) failed, as opposed to refusing a bad request
// or handing back a parked one: worth a line in the log.
bool device_failed(int32_t status) {
  return status != drivers::kIoOk && status != drivers::kIoBadRequest && status != drivers::kIoNotSupported &&
         status != drivers::kIoCancelled;
}

const char* operation_name(drivers::IoOperation operation) {
  switch (operation) {
    case drivers::IoOperation::read: return "read";
    case drivers::IoOperation::write: return "write";
    case drivers::IoOperation::flush: return "flush";
    case drivers::IoOperation::control: return "control";
  }
  return "request";
}

rtl::Error status_error(int32_t status) {
  switch (status) {
    case drivers::kIoBadRequest: return rtl::Error(rtl::Errc::invalid_argument, "request out of range");
    case drivers::kIoNotSupported: return rtl::Error(rtl::Errc::not_supported, "operation not supported");
    case drivers::kIoNoDevice: return rtl::Error(rtl::Errc::no_device, "no device");
    default: return rtl::Error(rtl::Errc::io_error, "device error");
  }
}

// A user copy may fault and sleep on a page-in: the slot is held, no lock.
bool copy_from_client(void* slot_data, ClientBuffer from, size_t length) {
  if (from.space == ClientBuffer::Space::user) return microcore::copy_from_user(slot_data, from.address, length);
  memcpy(slot_data, reinterpret_cast<const void*>(from.address), length);
  return true;
}

bool copy_to_client(ClientBuffer to, const void* slot_data, size_t length) {
  if (to.space == ClientBuffer::Space::user) return microcore::copy_to_user(to.address, slot_data, length);
  memcpy(reinterpret_cast<void*>(to.address), slot_data, length);
  return true;
}

}  // namespace

rtl::Result<DeviceObject*> DeviceObject::create(const drivers::DriverKind& kind, const drivers::DeviceInfo& info,
                                                unsigned index) {
  auto* storage = rtl::allocate(sizeof(DeviceObject), alignof(DeviceObject));
  if (!storage) return rtl::Error(rtl::Errc::no_memory, "device object");
  auto* device = new (storage) DeviceObject();
  device->kind_ = &kind;
  device->info_ = info;
  rtl::format_to_buffer(device->name_, sizeof device->name_, "{}{}", kind.device_name, index);
  // Device objects live until power-off: nothing here is ever freed.
  device->transfer_ = TRY(allocate_area(kTransferBytes));
  device->persistent_ = TRY(allocate_area(kind.persistent_bytes(info)));
  device->gate_ = TRY(microcore::create_wait_queue());
  device->drained_ = TRY(microcore::create_wait_queue());
  for (Slot& slot : device->slots_) slot.done = TRY(microcore::create_wait_queue());
  return device;
}

rtl::Result<DriverBackend*> DeviceObject::start_backend(DriverMode mode, const drivers::SavedState* state) {
  DriverBackend* backend =
      TRY(mode == DriverMode::kernel ? create_kernel_backend(*this) : create_server_backend(*this));
  drivers::Geometry geometry;
  bool injected_failure;
  {
    rtl::SpinlockGuard guard(lock_);
    injected_failure = fail_next_start_;
    fail_next_start_ = false;
  }
  drivers::StartStatus status = backend->start(state, injected_failure, &geometry);
  if (status != drivers::StartStatus::ok) {
    backend->destroy();
    return rtl::Error(rtl::Errc::io_error, "the driver did not start");
  }
  geometry_ = geometry;
  // Started, the driver has reset its device (drivers/driver.h): whatever a
  // crashed instance left in flight is gone, and with it the last writer of
  // the DMA memory that instance held.
  if (info_.bus == drivers::DeviceInfo::Bus::pci)
    microcore::release_quarantined_dma(info_.pci_bus, info_.pci_device, info_.pci_function);
  return backend;
}

rtl::Result<void> DeviceObject::start(DriverMode mode) {
  DriverBackend* backend = TRY(start_backend(mode, nullptr));
  rtl::SpinlockGuard guard(lock_);
  backend_ = backend;
  mode_ = mode;
  state_ = DeviceState::running;
  return {};
}

size_t DeviceObject::in_flight_locked() const {
  size_t count = 0;
  for (const Slot& slot : slots_)
    if (slot.use == Slot::Use::submitted || slot.use == Slot::Use::abandoned) ++count;
  return count;
}

rtl::Result<size_t> DeviceObject::take_slot(DriverBackend** backend) {
  for (;;) {
    rtl::platform::IrqState interrupts = rtl::platform::irq_save();
    lock_.lock();
    if (state_ == DeviceState::failed) {
      lock_.unlock();
      rtl::platform::irq_restore(interrupts);
      return rtl::Error(rtl::Errc::no_device, "the driver failed and could not be restarted");
    }
    if (state_ == DeviceState::running && free_slots_) {
      size_t i = size_t(__builtin_ctz(free_slots_));
      free_slots_ &= free_slots_ - 1;
      slots_[i].use = Slot::Use::submitted;
      ++slots_[i].generation;
      ++submitting_;
      *backend = backend_;
      lock_.unlock();
      rtl::platform::irq_restore(interrupts);
      return i;
    }
    lock_.unlock();
    // Interrupts stay off from the check to the block: no wakeup is lost.
    microcore::WaitOutcome outcome = microcore::wait_on(*gate_, 0);
    rtl::platform::irq_restore(interrupts);
    if (outcome == microcore::WaitOutcome::interrupted)
      return rtl::Error(rtl::Errc::interrupted, "interrupted while waiting for the device");
  }
}

void DeviceObject::release_slot(size_t index) {
  {
    rtl::SpinlockGuard guard(lock_);
    free_slot_locked(slots_[index]);
  }
  microcore::wake_waiters(*gate_);
}

void DeviceObject::free_slot_locked(Slot& slot) {
  slot.use = Slot::Use::free;
  free_slots_ |= 1u << (&slot - slots_);
}

void DeviceObject::submit_and_wait(size_t index, DriverBackend& backend) {
  backend.submit(slots_[index].request);
  end_submitting();
}

void DeviceObject::end_submitting() {
  {
    rtl::SpinlockGuard guard(lock_);
    --submitting_;
  }
  microcore::wake_waiters(*drained_);
}

rtl::Result<size_t> DeviceObject::transfer_request(drivers::IoOperation operation, uint64_t offset,
                                                   ClientBuffer buffer, size_t length) {
  if (length > kSlotBytes) return rtl::Error(rtl::Errc::too_big, "larger than one transfer slot");
  bool to_device = operation == drivers::IoOperation::write;
  DriverBackend* backend = nullptr;
  size_t index = TRY(take_slot(&backend));
  Slot& slot = slots_[index];
  uint8_t* data = transfer_.cpu + index * kSlotBytes;
  if (to_device && length && !copy_from_client(data, buffer, length)) {
    // Never submitted: the slot goes straight back, nobody waits for it.
    end_submitting();
    release_slot(index);
    return rtl::Error(rtl::Errc::out_of_range, "bad user buffer");
  }
  slot.request = drivers::IoRequest{};
  slot.request.tag = tag_for(index);
  slot.request.operation = operation;
  slot.request.offset = offset;
  slot.request.length = static_cast<uint32_t>(length);
  slot.request.buffer = static_cast<uint32_t>(index * kSlotBytes);
  submit_and_wait(index, *backend);

  for (;;) {
    rtl::platform::IrqState interrupts = rtl::platform::irq_save();
    lock_.lock();
    if (slot.use == Slot::Use::done) {
      lock_.unlock();
      rtl::platform::irq_restore(interrupts);
      break;
    }
    lock_.unlock();
    microcore::WaitOutcome outcome = microcore::wait_on(*slot.done, 0);
    rtl::platform::irq_restore(interrupts);
    if (outcome == microcore::WaitOutcome::interrupted) {
      // The driver still owns the request; its completion frees the slot.
      bool freed = false;
      {
        rtl::SpinlockGuard guard(lock_);
        if (slot.use == Slot::Use::submitted) {
          slot.use = Slot::Use::abandoned;
          return rtl::Error(rtl::Errc::interrupted, "interrupted while the device worked");
        }
        // No instance holds a carried request: the slot is free at once.
        if (slot.use == Slot::Use::carried) {
          free_slot_locked(slot);
          freed = true;
        }
      }
      if (freed) {
        microcore::wake_waiters(*gate_);
        return rtl::Error(rtl::Errc::interrupted, "interrupted while the device switched");
      }
    }
  }
  drivers::IoRequest done = slot.request;
  size_t moved = done.transferred <= length ? done.transferred : length;
  bool copied = done.status != drivers::kIoOk || to_device || !moved || copy_to_client(buffer, data, moved);
  release_slot(index);
  if (done.status != drivers::kIoOk) return status_error(done.status);
  if (!copied) return rtl::Error(rtl::Errc::out_of_range, "bad user buffer");
  return moved;
}

void DeviceObject::complete(const drivers::IoRequest& request) {
  size_t index = request.tag & 0xff;
  bool wake_slot = false, wake_gate = false;
  rtl::RateLimit::Decision log_failure;
  drivers::IoRequest failed;
  DriverMode failed_mode = DriverMode::kernel;
  {
    rtl::SpinlockGuard guard(lock_);
    Slot* slot = index < kSlots ? &slots_[index] : nullptr;
    bool live = slot && (slot->use == Slot::Use::submitted || slot->use == Slot::Use::abandoned);
    if (!live || tag_for(index) != request.tag) {
      ++stale_completions_;
      return;
    }
    bool handed_back = request.status == drivers::kIoCancelled &&
                       (slot->use == Slot::Use::abandoned || state_ == DeviceState::switching);
    if (!handed_back && device_failed(request.status)) {
      log_failure = failure_log_.decide(microcore::now_ns());
      failed = slot->request;
      failed.status = request.status;
      failed_mode = mode_;
    }
    if (handed_back && slot->use == Slot::Use::submitted) {
      slot->use = Slot::Use::carried;  // the switch submits it again; its client keeps waiting
    } else if (slot->use == Slot::Use::abandoned) {
      if (!handed_back) count_completion_locked(request.status, request.transferred, slot->request.length);
      free_slot_locked(*slot);
      wake_gate = true;
    } else {
      slot->request.status = request.status;
      slot->request.transferred = request.transferred <= slot->request.length ? request.transferred : 0;
      count_completion_locked(request.status, slot->request.transferred, slot->request.length);
      slot->use = Slot::Use::done;
      wake_slot = true;
    }
  }
  if (wake_slot) microcore::wake_waiters(*slots_[index].done);
  if (wake_gate) microcore::wake_waiters(*gate_);
  microcore::wake_waiters(*drained_);
  if (log_failure.report) log_device_failure(failed, failed_mode, log_failure.suppressed);
}

// The client gets only an errno; the log says which request failed and how,
// as Linux's "I/O error, dev sda, sector N" does.
void DeviceObject::log_device_failure(const drivers::IoRequest& request, DriverMode mode,
                                      uint64_t suppressed) const {
  if (suppressed) rtl::pr_err("io: {}: {} more failed request(s) not logged", name_, suppressed);
  rtl::pr_err("io: {}: {} of {} bytes at offset {} failed with status {} ({} mode)", name_,
              operation_name(request.operation), request.length, request.offset, request.status,
              mode_name(mode));
}

void DeviceObject::count_completion_locked(int32_t status, uint32_t transferred, uint32_t length) {
  if (status == drivers::kIoOk) {
    ++counters_.served;
    counters_.bytes += transferred <= length ? transferred : 0;
  } else {
    ++counters_.errors;
  }
}

void DeviceObject::backend_failed(DriverBackend& backend, const char* reason) {
  {
    rtl::SpinlockGuard guard(lock_);
    if (&backend != backend_ || failed_backend_) return;  // an old instance, or already reported
    failed_backend_ = &backend;
    failure_reason_ = reason;
    failed_at_ns_ = microcore::now_ns();
    state_ = DeviceState::restarting;
  }
  wake_supervisor();
}

void DeviceObject::wait_for_submitters() {
  for (;;) {
    rtl::platform::IrqState interrupts = rtl::platform::irq_save();
    lock_.lock();
    bool idle = submitting_ == 0;
    lock_.unlock();
    if (idle) {
      rtl::platform::irq_restore(interrupts);
      return;
    }
    (void)microcore::wait_on(*drained_, microcore::now_ns() + 1000000);
    rtl::platform::irq_restore(interrupts);
  }
}

void DeviceObject::open_gate(DeviceState state) {
  {
    rtl::SpinlockGuard guard(lock_);
    state_ = state;
  }
  microcore::wake_waiters(*gate_);
  if (state == DeviceState::failed) {
    // Nobody will complete what was in flight: fail it rather than lose it
    // silently (clients get ENODEV).
    rtl::SpinlockGuard guard(lock_);
    for (Slot& slot : slots_) {
      if (slot.use != Slot::Use::submitted && slot.use != Slot::Use::carried) continue;
      slot.request.status = drivers::kIoNoDevice;
      slot.use = Slot::Use::done;
      microcore::wake_waiters(*slot.done);
    }
  }
}

// Supervisor thread: the failed instance is gone for good; a fresh one (in
// the same mode, from scratch: the crash may have left the device in any
// state) takes over, and every request it never completed is submitted
// again, with the same tag, so clients see only the delay.
void DeviceObject::recover() {
  DriverBackend* failed = nullptr;
  const char* reason = "";
  {
    rtl::SpinlockGuard guard(lock_);
    failed = failed_backend_;
    reason = failure_reason_;
  }
  if (!failed) return;
  wait_for_submitters();
  failed->destroy();
  rtl::pr_warn("io: {} ({} mode) {}; restarting it", name_, mode_name(mode_), reason);
  DriverBackend* fresh = nullptr;
  for (int attempt = 0; attempt < 3 && !fresh; ++attempt) {
    auto started = start_backend(mode_, nullptr);
    if (started.is_ok()) fresh = started.value();
  }
  {
    rtl::SpinlockGuard guard(lock_);
    failed_backend_ = nullptr;
    backend_ = fresh;
  }
  if (!fresh) {
    rtl::pr_err("io: {}: the driver does not come back; failing its requests", name_);
    open_gate(DeviceState::failed);
    return;
  }
  drivers::IoRequest replay[kSlots];
  size_t count = 0;
  uint64_t took_ns = 0;
  {
    rtl::SpinlockGuard guard(lock_);
    for (Slot& slot : slots_) {
      // Carried: handed back by a switch that this failure cut short.
      if (slot.use == Slot::Use::carried) slot.use = Slot::Use::submitted;
      if (slot.use == Slot::Use::submitted || slot.use == Slot::Use::abandoned) replay[count++] = slot.request;
    }
    ++counters_.restarts;
    counters_.replayed += count;
    took_ns = microcore::now_ns() - failed_at_ns_;
    counters_.last_restart_ns = took_ns;
  }
  for (size_t i = 0; i < count; ++i) {
    // The slot's own copy is what the driver completes into.
    size_t index = replay[i].tag & 0xff;
    slots_[index].request.status = drivers::kIoOk;
    slots_[index].request.transferred = 0;
    fresh->submit(slots_[index].request);
  }
  rtl::pr_info("io: {} restarted in {} us, {} request(s) replayed", name_, took_ns / 1000, count);
  open_gate(DeviceState::running);
}

}  // namespace executive::io
