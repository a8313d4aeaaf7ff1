// vm::PageTable on the HAL's user page tables: one per task, rooted at the
// task's page-table root. Internal to the microcore's glue.
#pragma once

#include "hal/address_space.h"
#include "microcore/vm/page_table.h"

namespace microcore {

class X86PageTable final : public vm::PageTable {
 public:
  explicit X86PageTable(uint64_t root) : root_(root) {}

  rtl::Result<void> map(uint64_t va, uint64_t pa, vm::Protection protection, vm::CacheMode cache) override {
    return hal::address_space::map(root_, va, pa,
                                   {protection.write, protection.execute, cache != vm::CacheMode::write_back});
  }
  rtl::Result<uint64_t> unmap(uint64_t va) override { return hal::address_space::unmap(root_, va); }
  void protect(uint64_t va, vm::Protection protection) override {
    (void)hal::address_space::protect(root_, va, {protection.write, protection.execute, false});
  }
  rtl::Result<vm::Translation> query(uint64_t va) const override {
    auto mapping = TRY(hal::address_space::query(root_, va));
    return vm::Translation{mapping.physical, {true, mapping.write, mapping.execute, true}};
  }
  void flush(uint64_t va) override { hal::address_space::flush(root_, va); }

 private:
  uint64_t root_;
};

}  // namespace microcore
