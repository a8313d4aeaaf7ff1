#include "microcore/vm/vm_copy.h"

#include "rtl/bits.h"
#include "rtl/own_ptr.h"
#include "rtl/panic.h"

namespace microcore::vm {

VmCopy::~VmCopy() {
  while (Entry* entry = entries_.pop_front()) rtl::detail::destroy_on_heap(entry);
}

rtl::Result<VmCopy*> copy_in(AddressMap& source, uint64_t address, uint64_t size, bool deallocate_source) {
  if (size == 0) {
    auto empty = TRY(rtl::try_make<VmCopy>(uint64_t{0}, uint64_t{0}, uint64_t{0}));
    return empty.leak();
  }
  if (address < kUserBase || address >= kUserEnd || size > kUserEnd - address)
    return rtl::Error(rtl::Errc::out_of_range, "copy_in: not a user range");
  uint64_t start = rtl::align_down(address, kPageSize);
  uint64_t end = rtl::align_up(address + size, kPageSize);
  TRY(source.check_covered(start, end, {true, false, false, false}, false));
  for (const AddressMap::Region& region : source.regions_) {
    if (region.end <= start) continue;
    if (region.start >= end) break;
    if (region.object->kind() != VmObject::Kind::anonymous)
      return rtl::Error(rtl::Errc::not_supported, "copy_in: device memory cannot be snapshot");
  }
  auto copy = TRY(rtl::try_make<VmCopy>(address - start, size, (end - start) / kPageSize));
  TRY(source.clip(start));
  TRY(source.clip(end));

  // Allocate everything first, so the commit below cannot fail halfway.
  for (const AddressMap::Region& region : source.regions_) {
    if (region.end <= start) continue;
    if (region.start >= end) break;
    auto entry = TRY(rtl::try_make<VmCopy::Entry>());
    entry->first = region.offset / kPageSize;
    entry->pages = (region.end - region.start) / kPageSize;
    entry->pending = TRY(VmObject::create_shadow(region.object, entry->first, entry->pages));
    copy->entries_.push_back(*entry.leak());
  }

  auto entry = copy->entries_.begin();
  for (AddressMap::Region& region : source.regions_) {
    if (region.end <= start) continue;
    if (region.start >= end) break;
    source.write_protect_mappings(region);
    entry->object = std::move(region.object);
    region.object = std::move(entry->pending);
    region.offset = 0;
    ++entry;
  }

  if (deallocate_source) {
    auto unmapped = source.unmap(start, end - start);
    RTL_ASSERT(unmapped.is_ok());  // the edges are region boundaries now
  }
  return copy.leak();
}

rtl::Result<uint64_t> copy_out(AddressMap& destination, VmCopy* copy) {
  RTL_ASSERT(copy);
  if (copy->pages_ == 0) {
    discard(copy);
    return uint64_t{0};
  }
  uint64_t start = TRY(destination.find_space(copy->pages_ * kPageSize, AddressMap::kAnywhere, false));

  // Build all regions aside; link them only when nothing can fail any more.
  AddressMap::RegionList prepared;
  auto drop_prepared = [&] {
    while (AddressMap::Region* region = prepared.pop_front()) rtl::detail::destroy_on_heap(region);
  };
  uint64_t next = start;
  for (VmCopy::Entry& entry : copy->entries_) {
    auto region = rtl::try_make<AddressMap::Region>();
    if (region.is_error()) {
      drop_prepared();
      return region.error();
    }
    AddressMap::Region& made = *region.value();
    made.start = next;
    made.end = next + entry.pages * kPageSize;
    made.protection = Protection::read_write();
    made.max_protection = Protection::all();
    made.inheritance = Inheritance::copy;
    if (entry.object->ref_count() == 1) {
      // Nobody else sees this object: receive it as it is.
      made.object = entry.object;
      made.offset = entry.first * kPageSize;
    } else {
      auto shadow = VmObject::create_shadow(entry.object, entry.first, entry.pages);
      if (shadow.is_error()) {
        drop_prepared();  // `region` still owns its Region
        return shadow.error();
      }
      made.object = shadow.release_value();
    }
    prepared.push_back(*region.value().leak());
    next = made.end;
  }
  while (AddressMap::Region* region = prepared.pop_front()) destination.link_sorted(*region);
  uint64_t address = start + copy->offset_in_page_;
  discard(copy);
  return address;
}

void discard(VmCopy* copy) {
  if (copy) rtl::detail::destroy_on_heap(copy);
}

}  // namespace microcore::vm
