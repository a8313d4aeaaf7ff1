// The virtio-blk protocol (see drivers/virtio/block_device.h).
#include "drivers/virtio/block_device.h"

#include "drivers/log_line.h"

namespace drivers::virtio {
namespace {

// virtio_blk_req.type and .status (5.2.6)
constexpr uint32_t kTypeRead = 0;
constexpr uint32_t kTypeWrite = 1;
constexpr uint32_t kTypeFlush = 4;
constexpr uint8_t kStatusOk = 0;
constexpr uint8_t kStatusUnsupported = 2;
constexpr uint8_t kStatusUnwritten = 0xff;  // ours: the device never answered

// struct virtio_blk_config
constexpr uint16_t kConfigCapacity = 0;  // in 512-byte sectors, whatever blk_size says
constexpr uint16_t kConfigSizeMax = 8;
constexpr uint16_t kConfigSegMax = 12;

constexpr uint16_t kRequestQueue = 0;
constexpr size_t kRingPage = 4096;
constexpr uint64_t kPollTimeoutNs = 5'000'000'000;
// header + data + status. The data is one descriptor unless the device
// limits segment sizes (size_max); 32 pieces cover a 64 KiB transfer slot
// at 2 KiB each and keep the chain's array small on an interrupt stack.
constexpr uint16_t kMaxSegments = 2 + 32;

uint16_t ring_size_for(uint16_t device_max) {
  uint16_t size = SplitQueue::kMaxSize;
  while (size > device_max) size /= 2;
  return size;
}

}  // namespace

StartStatus BlockDevice::start(DeviceHost& host, Transport& transport) {
  host_ = &host;
  transport_ = &transport;
  transfer_ = host.transfer();
  in_flight_count_ = 0;
  pending_head_ = pending_count_ = 0;
  for (IoRequest*& request : in_flight_) request = nullptr;

  // Initialization sequence of 3.1.1, from a reset whatever state a
  // previous instance left the device in.
  if (!transport.reset()) return StartStatus::failed;
  transport.set_status(kStatusAcknowledge);
  transport.set_status(kStatusAcknowledge | kStatusDriver);
  uint64_t offered = transport.device_features();
  if (!(offered & kFeatureVersion1)) {
    transport.set_status(kStatusFailed);
    return StartStatus::no_device;  // a legacy-only device
  }
  features_ = offered & (kFeatureVersion1 | kBlockSizeMax | kBlockSegMax | kBlockReadOnly | kBlockFlush);
  transport.set_driver_features(features_);
  transport.set_status(kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk);
  if (!(transport.status() & kStatusFeaturesOk)) {
    transport.set_status(kStatusFailed);
    return StartStatus::failed;
  }

  capacity_bytes_ = transport.config64(kConfigCapacity) * kSectorBytes;
  uint32_t size_max = features_ & kBlockSizeMax ? transport.config32(kConfigSizeMax) : 0;
  segment_limit_ = size_max >= kSectorBytes ? size_max / kSectorBytes * kSectorBytes : 0;
  segments_limit_ = features_ & kBlockSegMax ? transport.config32(kConfigSegMax) : 0;

  uint16_t device_max = transport.queue_max_size(kRequestQueue);
  if (device_max == 0) {
    transport.set_status(kStatusFailed);
    return StartStatus::failed;
  }
  dma_ = host.allocate_dma(kDmaBytes);
  if (!dma_.cpu || dma_.size < kDmaBytes) {
    transport.set_status(kStatusFailed);
    return StartStatus::no_memory;
  }
  static_assert(SplitQueue::bytes_for(SplitQueue::kMaxSize) <= kRingPage);
  static_assert(kRingPage + SplitQueue::kMaxSize * (sizeof(Header) + 1) <= kDmaBytes);
  queue_.init(Memory{dma_.cpu, dma_.device, kRingPage}, ring_size_for(device_max));
  headers_ = reinterpret_cast<Header*>(dma_.cpu + kRingPage);
  statuses_ = dma_.cpu + kRingPage + SplitQueue::kMaxSize * sizeof(Header);

  interrupt_mode_ = transport.connect_interrupt(host);
  uint16_t vector = interrupt_mode_ == InterruptMode::msix ? 0 : kNoVector;
  QueueSetup setup = transport.enable_queue(kRequestQueue, queue_.size(), queue_.descriptor_area(),
                                            queue_.driver_area(), queue_.device_area(), vector);
  if (setup == QueueSetup::failed) {
    transport.set_status(kStatusFailed);
    return StartStatus::failed;
  }
  if (setup == QueueSetup::no_vector && interrupt_mode_ == InterruptMode::msix) interrupt_mode_ = InterruptMode::none;
  transport.set_status(kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk | kStatusDriverOk);
  if (transport.status() & (kStatusNeedsReset | kStatusFailed)) return StartStatus::failed;

  LogLine line;
  line << "virtio-blk: " << capacity_bytes_ / kSectorBytes << " sectors (" << (capacity_bytes_ >> 20) << " MiB), "
       << uint64_t{queue_.size()} << " descriptors, "
       << (interrupt_mode_ == InterruptMode::msix   ? "MSI-X"
           : interrupt_mode_ == InterruptMode::line ? "legacy interrupt"
                                                    : "polling")
       << (features_ & kBlockFlush ? ", flush" : "") << (features_ & kBlockReadOnly ? ", read-only" : "");
  host.log(line.text());
  return StartStatus::ok;
}

int32_t BlockDevice::check(const IoRequest& request) const {
  switch (request.operation) {
    case IoOperation::flush: return kIoOk;
    case IoOperation::read: break;
    case IoOperation::write:
      if (features_ & kBlockReadOnly) return kIoNotSupported;
      break;
    default: return kIoNotSupported;
  }
  if (request.offset % kSectorBytes || request.length % kSectorBytes) return kIoBadRequest;
  if (request.offset > capacity_bytes_ || request.length > capacity_bytes_ - request.offset) return kIoBadRequest;
  if (!fits_transfer(request, transfer_)) return kIoBadRequest;
  return kIoOk;
}

void BlockDevice::submit(IoRequest& request) {
  request.transferred = 0;
  int32_t status = check(request);
  if (status != kIoOk) return finish(request, status);
  bool to_device = request.operation != IoOperation::flush || (features_ & kBlockFlush);
  // Nothing to move, or a device without a write cache: done at once.
  if (!to_device || (request.operation != IoOperation::flush && request.length == 0)) return finish(request, kIoOk);
  if (pending_count_ == 0 && issue(request)) {
    if (queue_.device_wants_notification()) transport_->notify(kRequestQueue);
  } else if (pending_count_ < kPendingCapacity) {
    pending_[(pending_head_ + pending_count_++) % kPendingCapacity] = &request;
    ++counters_.queued;
  } else {
    return finish(request, kIoError);  // more than any host sends; say so rather than lose it
  }
  if (interrupt_mode_ == InterruptMode::none) poll_until_idle();
}

bool BlockDevice::issue(IoRequest& request) {
  uint32_t chunk = segment_limit_ ? segment_limit_ : request.length;
  uint32_t data_segments = request.length ? (request.length + chunk - 1) / chunk : 0;
  uint32_t count = 2 + data_segments;
  if ((segments_limit_ && data_segments > segments_limit_) || count > queue_.size() || count > kMaxSegments) {
    finish(request, kIoBadRequest);  // more than the device takes in one request: it would never fit
    return true;
  }
  if (count > queue_.free_count()) return false;
  // Header and status slots are indexed by the chain's head, which is the
  // descriptor the queue hands out next.
  uint16_t head = queue_.next_head();
  headers_[head] = Header{request.operation == IoOperation::read    ? kTypeRead
                          : request.operation == IoOperation::write ? kTypeWrite
                                                                    : kTypeFlush,
                          0, request.offset / kSectorBytes};
  statuses_[head] = kStatusUnwritten;
  Segment segments[kMaxSegments];
  segments[0] = {dma_.device + kRingPage + head * sizeof(Header), sizeof(Header), false};
  uint64_t data = transfer_.device + request.buffer;
  bool device_writes = request.operation == IoOperation::read;
  for (uint32_t i = 0; i < data_segments; ++i) {
    uint32_t length = i + 1 < data_segments ? chunk : request.length - i * chunk;
    segments[1 + i] = {data + uint64_t(i) * chunk, length, device_writes};
  }
  segments[count - 1] = {dma_.device + kRingPage + SplitQueue::kMaxSize * sizeof(Header) + head, 1, true};
  in_flight_[head] = &request;
  ++in_flight_count_;
  queue_.add(segments, static_cast<uint16_t>(count));
  return true;
}

void BlockDevice::reap() {
  UsedChain chain;
  while (queue_.take_used(&chain)) {
    IoRequest* request = in_flight_[chain.head];
    in_flight_[chain.head] = nullptr;
    if (!request) continue;
    --in_flight_count_;
    uint8_t status = statuses_[chain.head];
    finish(*request, status == kStatusOk            ? kIoOk
                     : status == kStatusUnsupported ? kIoNotSupported
                                                    : kIoError);
  }
  bool issued = false;
  while (pending_count_ && issue(*pending_[pending_head_])) {
    pending_head_ = static_cast<uint16_t>((pending_head_ + 1) % kPendingCapacity);
    --pending_count_;
    issued = true;
  }
  if (issued && queue_.device_wants_notification()) transport_->notify(kRequestQueue);
}

void BlockDevice::finish(IoRequest& request, int32_t status) {
  request.status = status;
  request.transferred = status == kIoOk && request.operation != IoOperation::flush ? request.length : 0;
  if (status == kIoOk)
    ++counters_.completed;
  else
    ++counters_.failed;
  host_->complete(request);
}

void BlockDevice::interrupt() {
  ++counters_.interrupts;
  if (interrupt_mode_ == InterruptMode::line) {
    transport_->read_isr();  // deasserts the line
    host_->acknowledge_interrupt();
  }
  // Until the host arms us again it is busy with us: a server answers,
  // passes new requests on and looks again before it sleeps. Interrupts
  // meanwhile would each cost it a trap and tell it nothing new (at queue
  // depth 32, one for every five requests in server mode).
  if (interrupt_mode_ != InterruptMode::none) queue_.suppress_interrupts();
  reap();
}

bool BlockDevice::arm_interrupt() {
  return queue_.interrupts_suppressed() && queue_.enable_interrupts();
}

void BlockDevice::poll_until_idle() {
  uint64_t deadline = host_->now_ns() + kPollTimeoutNs;
  while (in_flight_count_ || pending_count_) {
    reap();
    if (host_->now_ns() > deadline) {
      host_->log("virtio-blk: the device stopped answering");
      return;
    }
  }
}

void BlockDevice::stop() {
  if (transport_) transport_->reset();
  // Nothing should be in flight (the host drains first); fail what is.
  for (IoRequest*& request : in_flight_) {
    if (!request) continue;
    IoRequest* lost = request;
    request = nullptr;
    finish(*lost, kIoError);
  }
  while (pending_count_) {
    IoRequest* lost = pending_[pending_head_];
    pending_head_ = static_cast<uint16_t>((pending_head_ + 1) % kPendingCapacity);
    --pending_count_;
    finish(*lost, kIoError);
  }
  in_flight_count_ = 0;
}

}  // namespace drivers::virtio
