// Shared by the bsdlayer VFS tests: a heap that counts live bytes (so every
// test can check it leaked nothing) and can be told to fail, a settable
// clock, and a Vfs with a tmpfs root plus small helpers over its calls.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "bsdlayer/linux/errno.h"
#include "bsdlayer/linux/fcntl.h"
#include "bsdlayer/vfs/tmpfs.h"
#include "bsdlayer/vfs/vfs.h"
#include "rtl/hosted.h"

namespace bsdtest {

using namespace bsdlayer;

struct HeapCounter {
  static inline long live_bytes = 0;
  static inline long allocations_left = -1;  // -1: unlimited
};

inline void* counting_allocate(size_t size, size_t alignment) {
  if (HeapCounter::allocations_left == 0) return nullptr;
  if (HeapCounter::allocations_left > 0) --HeapCounter::allocations_left;
  void* p = rtl::hosted::malloc_heap().allocate(size, alignment);
  if (p) HeapCounter::live_bytes += static_cast<long>(size);
  return p;
}
inline void counting_deallocate(void* p, size_t size, size_t alignment) {
  HeapCounter::live_bytes -= static_cast<long>(size);
  rtl::hosted::malloc_heap().deallocate(p, size, alignment);
}
inline constexpr rtl::HeapOps kCountingHeap{counting_allocate, counting_deallocate};

inline uint64_t g_now_ns = 1'700'000'000'000'000'000;
inline uint64_t test_clock() { return g_now_ns; }

// Result helpers: the negative errno, or 0 on success.
template <typename T>
int err(const SysResult<T>& r) {
  return r.is_error() ? r.error() : 0;
}

class BsdVfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HeapCounter::allocations_left = -1;
    start_bytes_ = HeapCounter::live_bytes;
    vfs_ = new Vfs();
    auto fs = create_tmpfs(1, test_clock);
    ASSERT_TRUE(fs.is_ok());
    ASSERT_TRUE(vfs_->mount_root(fs.release_value(), "rootfs", "rw").is_ok());
  }
  void TearDown() override {
    delete vfs_;
    HeapCounter::allocations_left = -1;
    EXPECT_EQ(HeapCounter::live_bytes, start_bytes_) << "rtl heap leaked";
  }

  Vfs& vfs() { return *vfs_; }

  void write_file(const char* path, const std::string& data, Vnode* base = nullptr) {
    auto file = vfs().open(base, path, LINUX_O_WRONLY | LINUX_O_CREAT | LINUX_O_TRUNC, 0644);
    ASSERT_TRUE(file.is_ok()) << path << ": " << file.error();
    auto n = file.value()->write(data.data(), data.size());
    ASSERT_TRUE(n.is_ok());
    ASSERT_EQ(n.value(), data.size());
  }
  std::string read_file(const char* path, Vnode* base = nullptr) {
    auto file = vfs().open(base, path, LINUX_O_RDONLY, 0);
    if (file.is_error()) return "<error " + std::to_string(file.error()) + ">";
    std::string out;
    char chunk[1000];
    for (;;) {
      auto n = file.value()->read(chunk, sizeof chunk);
      if (n.is_error()) return "<read error " + std::to_string(n.error()) + ">";
      if (n.value() == 0) break;
      out.append(chunk, n.value());
    }
    return out;
  }
  uint64_t ino(const char* path, uint32_t flags = Vfs::kFollow, Vnode* base = nullptr) {
    auto st = vfs().stat(base, path, flags);
    return st.is_ok() ? st.value().st_ino : 0;
  }
  int stat_err(const char* path, uint32_t flags = Vfs::kFollow, Vnode* base = nullptr) {
    return err(vfs().stat(base, path, flags));
  }
  rtl::RefPtr<Vnode> dir(const char* path) { return MUST_DIR(path); }

 private:
  rtl::RefPtr<Vnode> MUST_DIR(const char* path) {
    auto r = vfs_->resolve_directory(nullptr, path);
    EXPECT_TRUE(r.is_ok()) << path;
    return r.is_ok() ? r.release_value() : nullptr;
  }
  rtl::hosted::ScopedHeap heap_{kCountingHeap};
  long start_bytes_ = 0;
  Vfs* vfs_ = nullptr;
};

}  // namespace bsdtest
