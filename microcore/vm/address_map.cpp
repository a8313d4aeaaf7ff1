#include "microcore/vm/address_map.h"

#include "rtl/bits.h"
#include "rtl/own_ptr.h"
#include "rtl/panic.h"

namespace microcore::vm {

namespace {

bool allows(Protection protection, Access access) {
  switch (access) {
    case Access::read: return protection.read;
    case Access::write: return protection.write;
    case Access::execute: return protection.execute;
  }
  return false;
}

Protection required(Access access) {
  switch (access) {
    case Access::read: return {true, false, false, false};
    case Access::write: return {false, true, false, false};
    case Access::execute: return {false, false, true, false};
  }
  return {};
}

bool is_none(Protection protection) {
  return !protection.read && !protection.write && !protection.execute;
}

}  // namespace

AddressMap::AddressMap(PageTable& page_table, FrameSource& frames)
    : page_table_(page_table), frames_(frames) {}

AddressMap::~AddressMap() { destroy(); }

rtl::Result<void> AddressMap::check_range(uint64_t address, uint64_t size) {
  if (address % kPageSize != 0) return rtl::Error(rtl::Errc::invalid_argument, "unaligned address");
  if (size == 0) return rtl::Error(rtl::Errc::invalid_argument, "zero size");
  if (address < kUserBase || address >= kUserEnd || size > kUserEnd - address)
    return rtl::Error(rtl::Errc::out_of_range, "range outside user space");
  return {};
}

AddressMap::Region* AddressMap::find(uint64_t address) const {
  for (Region& region : regions_) {
    if (address < region.start) return nullptr;
    if (address < region.end) return &region;
  }
  return nullptr;
}

rtl::Result<uint64_t> AddressMap::find_space(uint64_t size, uint64_t address, bool fixed) const {
  if (size == 0 || size > kUserEnd - kUserBase) return rtl::Error(rtl::Errc::no_memory, "no space");
  auto is_free = [&](uint64_t start) {
    if (start < kUserBase || start >= kUserEnd || size > kUserEnd - start) return false;
    for (const Region& region : regions_) {
      if (region.start >= start + size) break;
      if (region.end > start) return false;
    }
    return true;
  };
  if (address != kAnywhere) {
    if (address % kPageSize != 0) return rtl::Error(rtl::Errc::invalid_argument, "unaligned address");
    if (is_free(address)) return address;
    if (fixed) {
      if (address < kUserBase || address >= kUserEnd || size > kUserEnd - address)
        return rtl::Error(rtl::Errc::out_of_range, "fixed range outside user space");
      return rtl::Error(rtl::Errc::already_exists, "fixed range is taken");
    }
  }
  uint64_t candidate = kUserBase;
  for (const Region& region : regions_) {
    if (region.start >= candidate && region.start - candidate >= size) return candidate;
    if (region.end > candidate) candidate = region.end;
  }
  if (candidate < kUserEnd && kUserEnd - candidate >= size) return candidate;
  return rtl::Error(rtl::Errc::no_memory, "no space in the address map");
}

void AddressMap::link_sorted(Region& region) {
  // IntrusiveList has no insert-before: move the regions that start after
  // `region` aside, append it, and put them back (O(regions), like lookup).
  RegionList later;
  while (!regions_.empty() && regions_.back()->start > region.start) {
    Region* back = regions_.back();
    regions_.remove(*back);
    later.push_front(*back);
  }
  regions_.push_back(region);
  while (Region* next = later.pop_front()) regions_.push_back(*next);
}

rtl::Result<uint64_t> AddressMap::insert(rtl::RefPtr<VmObject> object, uint64_t offset, uint64_t size,
                                         Protection protection, Protection max_protection,
                                         Inheritance inheritance, CacheMode cache, uint64_t address,
                                         bool fixed) {
  if (!max_protection.includes(protection))
    return rtl::Error(rtl::Errc::permission_denied, "protection exceeds max_protection");
  uint64_t start = TRY(find_space(size, address, fixed));
  auto region = TRY(rtl::try_make<Region>());
  region->start = start;
  region->end = start + size;
  region->protection = protection;
  region->max_protection = max_protection;
  region->object = std::move(object);
  region->offset = offset;
  region->inheritance = inheritance;
  region->cache = cache;
  link_sorted(*region.leak());
  return start;
}

rtl::Result<uint64_t> AddressMap::map_anonymous(uint64_t size, Protection protection, uint64_t address,
                                                bool fixed) {
  if (size == 0 || size > kUserEnd) return rtl::Error(rtl::Errc::invalid_argument, "bad size");
  size = rtl::align_up(size, kPageSize);
  // Check for space before creating the object, so a full map fails cheaply.
  TRY(find_space(size, address, fixed));
  auto object = TRY(VmObject::create_anonymous(frames_, size / kPageSize));
  return insert(std::move(object), 0, size, protection, Protection::all(), Inheritance::copy,
                CacheMode::write_back, address, fixed);
}

rtl::Result<uint64_t> AddressMap::map_object(rtl::RefPtr<VmObject> object, uint64_t offset, uint64_t size,
                                             Protection protection, Protection max_protection,
                                             Inheritance inheritance, uint64_t address, bool fixed) {
  if (!object || size == 0 || size > kUserEnd || offset % kPageSize != 0)
    return rtl::Error(rtl::Errc::invalid_argument, "bad object mapping");
  size = rtl::align_up(size, kPageSize);
  if (offset / kPageSize + size / kPageSize > object->size_pages())
    return rtl::Error(rtl::Errc::out_of_range, "mapping beyond the object");
  if (object->kind() == VmObject::Kind::physical) inheritance = Inheritance::share;
  CacheMode cache = object->cache();
  return insert(std::move(object), offset, size, protection, max_protection, inheritance, cache,
                address, fixed);
}

rtl::Result<uint64_t> AddressMap::map_physical(uint64_t physical, uint64_t size, Protection protection,
                                               CacheMode cache, uint64_t address, bool fixed) {
  if (physical % kPageSize != 0 || size == 0 || size > kUserEnd)
    return rtl::Error(rtl::Errc::invalid_argument, "bad physical range");
  size = rtl::align_up(size, kPageSize);
  TRY(find_space(size, address, fixed));
  auto object = TRY(VmObject::create_physical(physical, size / kPageSize, cache));
  return insert(std::move(object), 0, size, protection, Protection::all(), Inheritance::share, cache,
                address, fixed);
}

rtl::Result<void> AddressMap::clip(uint64_t address) {
  Region* region = find(address);
  if (!region || region->start == address) return {};
  auto lower = TRY(rtl::try_make<Region>());
  lower->start = region->start;
  lower->end = address;
  lower->protection = region->protection;
  lower->max_protection = region->max_protection;
  lower->object = region->object;
  lower->offset = region->offset;
  lower->inheritance = region->inheritance;
  lower->cache = region->cache;
  lower->wired = region->wired;
  region->offset += address - region->start;
  region->start = address;
  link_sorted(*lower.leak());
  return {};
}

template <typename Function>
void AddressMap::for_each_possible_mapping(const Region& region, uint64_t start, uint64_t end,
                                           Function fn) const {
  if (resident_ == 0 || start >= end) return;
  uint64_t pages = (end - start) / kPageSize;
  uint64_t first = (region.offset + (start - region.start)) / kPageSize;
  const VmObject* top = region.object.get();
  uint64_t chain_resident = 0;
  for (const VmObject* object = top; object; object = object->backing()) chain_resident += object->resident_pages();
  if (top->kind() == VmObject::Kind::physical || pages <= chain_resident) {
    for (uint64_t va = start; va < end; va += kPageSize) fn(va);
    return;
  }
  // Only pages resident somewhere in the chain can have been mapped.
  uint64_t base = first;
  for (const VmObject* object = top; object; object = object->backing()) {
    uint64_t index = base;
    uint64_t physical = 0;
    while (object->next_resident(index, base + pages, &index, &physical)) {
      fn(start + (index - base) * kPageSize);
      ++index;
    }
    base += object->backing_offset();
  }
}

void AddressMap::remove_mappings(const Region& region, uint64_t start, uint64_t end) {
  for_each_possible_mapping(region, start, end, [&](uint64_t va) {
    if (page_table_.unmap(va).is_ok()) {
      page_table_.flush(va);
      --resident_;
    }
  });
}

void AddressMap::write_protect_mappings(const Region& region) {
  for_each_possible_mapping(region, region.start, region.end, [&](uint64_t va) {
    auto entry = page_table_.query(va);
    if (entry.is_ok() && entry.value().protection.write) {
      page_table_.protect(va, entry.value().protection.without_write());
      page_table_.flush(va);
    }
  });
}

void AddressMap::remove_region(Region& region) {
  remove_mappings(region, region.start, region.end);
  // If every reference to the object comes from this map's regions and none
  // of the others shows this window (the usual result of splitting a
  // private region), nobody can see these pages again: free them now rather
  // than when the object dies, which may be much later.
  VmObject* object = region.object.get();
  uint64_t first = region.offset / kPageSize;
  uint64_t pages = (region.end - region.start) / kPageSize;
  uint32_t references = 0;
  bool overlap = false;
  for (const Region& other : regions_) {
    if (other.object.get() != object) continue;
    ++references;
    if (&other == &region) continue;
    uint64_t other_first = other.offset / kPageSize;
    uint64_t other_pages = (other.end - other.start) / kPageSize;
    if (other_first < first + pages && first < other_first + other_pages) overlap = true;
  }
  if (references == object->ref_count() && !overlap) object->discard_pages(first, pages);
  regions_.remove(region);
  rtl::detail::destroy_on_heap(&region);
}

rtl::Result<void> AddressMap::unmap(uint64_t address, uint64_t size) {
  if (size == 0) return {};
  if (address % kPageSize != 0) return rtl::Error(rtl::Errc::invalid_argument, "unaligned address");
  if (address < kUserBase || address >= kUserEnd || size > kUserEnd - address)
    return rtl::Error(rtl::Errc::out_of_range, "range outside user space");
  uint64_t end = address + rtl::align_up(size, kPageSize);
  TRY(clip(address));
  TRY(clip(end));
  for (auto it = regions_.begin(); it != regions_.end();) {
    Region& region = *it;
    ++it;
    if (region.end <= address) continue;
    if (region.start >= end) break;
    remove_region(region);
  }
  return {};
}

rtl::Result<void> AddressMap::check_covered(uint64_t start, uint64_t end, Protection needed,
                                            bool check_max) const {
  uint64_t next = start;
  for (const Region& region : regions_) {
    if (region.end <= next) continue;
    if (region.start > next) break;
    Protection limit = check_max ? region.max_protection : region.protection;
    if (!limit.includes(needed)) {
      return rtl::Error(rtl::Errc::permission_denied,
                        check_max ? "protection exceeds max_protection" : "region forbids access");
    }
    next = region.end;
    if (next >= end) return {};
  }
  return rtl::Error(rtl::Errc::not_found, "range not fully mapped");
}

rtl::Result<void> AddressMap::protect(uint64_t address, uint64_t size, Protection protection) {
  TRY(check_range(address, size));
  uint64_t end = address + rtl::align_up(size, kPageSize);
  TRY(check_covered(address, end, protection, true));
  TRY(clip(address));
  TRY(clip(end));
  for (Region& region : regions_) {
    if (region.end <= address) continue;
    if (region.start >= end) break;
    region.protection = protection;
    // Entries keep write only if they had it: a read-only entry may be a
    // copy-on-write page, and the next write fault decides.
    for_each_possible_mapping(region, region.start, region.end, [&](uint64_t va) {
      auto entry = page_table_.query(va);
      if (entry.is_error()) return;
      if (is_none(protection)) {
        (void)page_table_.unmap(va);
        --resident_;
      } else {
        Protection next = protection;
        if (!entry.value().protection.write) next.write = false;
        page_table_.protect(va, next);
      }
      page_table_.flush(va);
    });
  }
  return {};
}

rtl::Result<void> AddressMap::set_inheritance(uint64_t address, uint64_t size, Inheritance inheritance) {
  TRY(check_range(address, size));
  uint64_t end = address + rtl::align_up(size, kPageSize);
  TRY(check_covered(address, end, Protection::none(), false));
  TRY(clip(address));
  TRY(clip(end));
  for (Region& region : regions_) {
    if (region.end <= address) continue;
    if (region.start >= end) break;
    if (region.object->kind() == VmObject::Kind::anonymous) region.inheritance = inheritance;
  }
  return {};
}

rtl::Result<RegionInfo> AddressMap::lookup(uint64_t address) const {
  Region* region = find(address);
  if (!region) return rtl::Error(rtl::Errc::not_found, "no region at address");
  return RegionInfo{region->start,       region->end,    region->protection,
                    region->max_protection, region->object.get(), region->offset,
                    region->inheritance, region->cache,  region->wired};
}

rtl::Result<void> AddressMap::install(uint64_t va, uint64_t pa, Protection protection, CacheMode cache) {
  bool present = page_table_.query(va).is_ok();
  TRY(page_table_.map(va, pa, protection, cache));
  if (present)
    page_table_.flush(va);
  else
    ++resident_;
  return {};
}

rtl::Result<void> AddressMap::fault(uint64_t va, Access access, bool user) {
  (void)user;  // the map only holds user regions; the glue routes kernel faults elsewhere
  Region* region = find(va);
  if (!region) return rtl::Error(rtl::Errc::not_found, "no region at fault address");
  if (!allows(region->protection, access))
    return rtl::Error(rtl::Errc::permission_denied, "access forbidden by region protection");
  uint64_t page_va = rtl::align_down(va, kPageSize);
  uint64_t index = (region->offset + (page_va - region->start)) / kPageSize;
  VmObject& top = *region->object;
  if (top.kind() == VmObject::Kind::physical)
    return install(page_va, top.physical_base() + index * kPageSize, region->protection, region->cache);

  top.collapse();
  if (auto own = top.page_at(index); own.is_ok())
    return install(page_va, own.value(), region->protection, region->cache);

  auto found = top.find_page(index);
  if (found.is_ok() && access != Access::write)
    return install(page_va, found.value().physical, region->protection.without_write(), region->cache);

  // Write to a page of the chain (copy it up) or first touch (zero fill).
  uint64_t frame = TRY(frames_.allocate_zeroed());
  if (found.is_ok()) frames_.copy(frame, found.value().physical);
  if (auto inserted = top.insert_page(index, frame); inserted.is_error()) {
    frames_.free(frame);
    return inserted.error();
  }
  return install(page_va, frame, region->protection, region->cache);
}

rtl::Result<void> AddressMap::check_user_range(uint64_t address, uint64_t size, Access access) const {
  if (size == 0) return {};
  if (address < kUserBase || address >= kUserEnd || size > kUserEnd - address)
    return rtl::Error(rtl::Errc::out_of_range, "not a user address range");
  uint64_t start = rtl::align_down(address, kPageSize);
  uint64_t end = rtl::align_up(address + size, kPageSize);
  return check_covered(start, end, required(access), false);
}

rtl::Result<void> AddressMap::copy_on_write_clone(AddressMap& child) {
  if (!child.regions_.empty() || &child == this)
    return rtl::Error(rtl::Errc::invalid_argument, "clone target must be an empty map");
  for (Region& region : regions_) {
    if (region.inheritance == Inheritance::none) continue;
    auto copy = TRY(rtl::try_make<Region>());
    copy->start = region.start;
    copy->end = region.end;
    copy->protection = region.protection;
    copy->max_protection = region.max_protection;
    copy->inheritance = region.inheritance;
    copy->cache = region.cache;
    bool shadow = region.inheritance == Inheritance::copy &&
                  region.object->kind() == VmObject::Kind::anonymous;
    if (!shadow) {
      copy->object = region.object;
      copy->offset = region.offset;
    } else {
      uint64_t first = region.offset / kPageSize;
      uint64_t pages = (region.end - region.start) / kPageSize;
      auto parent_side = TRY(VmObject::create_shadow(region.object, first, pages));
      copy->object = TRY(VmObject::create_shadow(region.object, first, pages));
      write_protect_mappings(region);
      region.object = std::move(parent_side);
      region.offset = 0;
    }
    child.regions_.push_back(*copy.leak());
  }
  return {};
}

void AddressMap::destroy() {
  while (Region* region = regions_.back()) remove_region(*region);
  RTL_ASSERT(resident_ == 0);
}

size_t AddressMap::regions(RegionInfo* out, size_t capacity) const {
  size_t count = 0;
  for (const Region& region : regions_) {
    if (count < capacity)
      out[count] = RegionInfo{region.start,       region.end,    region.protection,
                              region.max_protection, region.object.get(), region.offset,
                              region.inheritance, region.cache,  region.wired};
    ++count;
  }
  return count;
}

MapStatistics AddressMap::statistics() const {
  MapStatistics statistics{0, 0, resident_};
  for (const Region& region : regions_) {
    ++statistics.regions;
    statistics.virtual_bytes += region.end - region.start;
  }
  return statistics;
}

}  // namespace microcore::vm
