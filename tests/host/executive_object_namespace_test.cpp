// The object namespace (executive/object/object_namespace.cpp): naming,
// lookup, directories, symbolic links and their loops, removal while
// referenced, enumeration, and that every byte goes back to the heap.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "executive/object_namespace.h"
#include "rtl/hosted.h"

using namespace executive::ob;
using rtl::Errc;

namespace {

struct Widget {
  int serial;
};

int g_bodies_deleted = 0;
long g_heap_bytes = 0;

// A type whose objects own their bodies (made with new, like any test body).
const TypedObjectType<Widget> kOwnedWidget{{"Widget", [](void* body) {
                                              ++g_bodies_deleted;
                                              delete static_cast<Widget*>(body);
                                            }}};
// A type whose bodies belong to someone else, as device objects' do.
const TypedObjectType<Widget> kBorrowedWidget{{"Gadget", nullptr}};

void* counting_allocate(size_t size, size_t alignment) {
  g_heap_bytes += static_cast<long>(size);
  return rtl::hosted::malloc_heap().allocate(size, alignment);
}
void counting_deallocate(void* pointer, size_t size, size_t alignment) {
  g_heap_bytes -= static_cast<long>(size);
  rtl::hosted::malloc_heap().deallocate(pointer, size, alignment);
}
constexpr rtl::HeapOps kCountingHeap{counting_allocate, counting_deallocate};

template <typename T>
Errc error_of(const rtl::Result<T>& result) {
  return result.is_ok() ? Errc::ok : result.error().code();
}

class ExecutiveObjectNamespace : public ::testing::Test {
 protected:
  void SetUp() override {
    g_bodies_deleted = 0;
    g_heap_bytes = 0;
    names_ = new ObjectNamespace;
    ASSERT_TRUE(names_->init().is_ok());
    for (const char* path : {"\\Device", "\\Driver", "\\??"}) ASSERT_TRUE(names_->create_directory(path).is_ok());
  }
  void TearDown() override {
    delete names_;
    EXPECT_EQ(g_heap_bytes, 0) << "the namespace leaked";
  }

  rtl::RefPtr<Object> insert(std::string_view path, Widget* body, const ObjectType& type = kBorrowedWidget) {
    return MUST(names_->insert(path, type, body));
  }
  Errc lookup_error(std::string_view path, Follow follow = Follow::all) {
    return error_of(names_->lookup(path, follow));
  }
  std::vector<std::string> listing(std::string_view directory) {
    std::vector<std::string> entries;
    auto listed = names_->list(directory, [&](const ObjectEntry& entry) { entries.emplace_back(entry.path); });
    EXPECT_TRUE(listed.is_ok()) << directory;
    return entries;
  }

  rtl::hosted::ScopedHeap heap_{kCountingHeap};
  ObjectNamespace* names_ = nullptr;
  Widget blk0_{1}, rd0_{2};
};

TEST_F(ExecutiveObjectNamespace, InsertedObjectsAreFoundByPathWithoutRegardToCase) {
  insert("\\Device\\blk0", &blk0_);
  insert("\\Device\\rd0", &rd0_);
  rtl::RefPtr<Object> found = MUST(names_->lookup("\\Device\\blk0"));
  EXPECT_EQ(kBorrowedWidget.body_of(*found), &blk0_);
  EXPECT_EQ(found->name(), "blk0");
  EXPECT_STREQ(found->type().name, "Gadget");
  rtl::RefPtr<Object> shouted = MUST(names_->lookup("\\DEVICE\\BLK0"));
  EXPECT_EQ(shouted.get(), found.get());
  EXPECT_EQ(kBorrowedWidget.body_of(*MUST(names_->lookup("\\device\\Rd0"))), &rd0_);
}

TEST_F(ExecutiveObjectNamespace, TypesTellObjectsApartWithoutRtti) {
  insert("\\Device\\blk0", &blk0_);
  rtl::RefPtr<Object> device = MUST(names_->lookup("\\Device\\blk0"));
  EXPECT_EQ(kOwnedWidget.body_of(*device), nullptr);
  rtl::RefPtr<Object> directory = MUST(names_->lookup("\\Device"));
  EXPECT_TRUE(directory->is_directory());
  EXPECT_EQ(kBorrowedWidget.body_of(*directory), nullptr);
  EXPECT_EQ(&directory->type(), &kDirectoryType);
}

TEST_F(ExecutiveObjectNamespace, TheRootIsADirectoryNamedBackslash) {
  rtl::RefPtr<Object> root = MUST(names_->lookup("\\"));
  EXPECT_TRUE(root->is_directory());
  EXPECT_EQ(root->name(), "");
  EXPECT_EQ(listing("\\"), (std::vector<std::string>{"\\??", "\\Device", "\\Driver"}));
}

TEST_F(ExecutiveObjectNamespace, NamesAreUniqueWithinADirectoryWhateverTheirCase) {
  insert("\\Device\\blk0", &blk0_);
  EXPECT_EQ(error_of(names_->insert("\\Device\\BLK0", kBorrowedWidget, &rd0_)), Errc::already_exists);
  EXPECT_EQ(error_of(names_->create_directory("\\device")), Errc::already_exists);
  EXPECT_EQ(error_of(names_->create_symbolic_link("\\Device\\blk0", "\\Device")), Errc::already_exists);
  EXPECT_EQ(error_of(names_->create_directory("\\")), Errc::already_exists);
  // The same name in another directory is another object.
  insert("\\Driver\\blk0", &rd0_);
  EXPECT_EQ(kBorrowedWidget.body_of(*MUST(names_->lookup("\\Driver\\blk0"))), &rd0_);
}

TEST_F(ExecutiveObjectNamespace, DirectoriesNest) {
  MUST(names_->create_directory("\\a"));
  MUST(names_->create_directory("\\a\\b"));
  MUST(names_->create_directory("\\a\\b\\c"));
  insert("\\a\\b\\c\\leaf", &blk0_);
  EXPECT_EQ(kBorrowedWidget.body_of(*MUST(names_->lookup("\\A\\B\\C\\LEAF"))), &blk0_);
  EXPECT_EQ(lookup_error("\\a\\c"), Errc::not_found);
  EXPECT_EQ(error_of(names_->create_directory("\\missing\\child")), Errc::not_found);
  EXPECT_EQ(error_of(names_->insert("\\a\\b\\nowhere\\x", kBorrowedWidget, &rd0_)), Errc::not_found);
}

TEST_F(ExecutiveObjectNamespace, NamesInsideNonDirectoriesAreNotDirectories) {
  insert("\\Device\\blk0", &blk0_);
  EXPECT_EQ(lookup_error("\\Device\\blk0\\partition1"), Errc::not_a_directory);
  EXPECT_EQ(error_of(names_->insert("\\Device\\blk0\\partition1", kBorrowedWidget, &rd0_)), Errc::not_a_directory);
  EXPECT_EQ(error_of(names_->list("\\Device\\blk0", [](const ObjectEntry&) {})), Errc::not_a_directory);
}

TEST_F(ExecutiveObjectNamespace, BadPathsAreRefusedByEveryCall) {
  for (std::string_view bad : {"", "Device", "\\Device\\", "\\Device\\\\blk0", "\\tab\there"}) {
    EXPECT_EQ(lookup_error(bad), Errc::invalid_argument) << bad;
    EXPECT_EQ(error_of(names_->create_directory(bad)), Errc::invalid_argument) << bad;
    EXPECT_EQ(error_of(names_->insert(bad, kBorrowedWidget, &blk0_)), Errc::invalid_argument) << bad;
    EXPECT_EQ(error_of(names_->create_symbolic_link("\\??\\x", bad)), Errc::invalid_argument) << bad;
    EXPECT_EQ(error_of(names_->remove(bad)), Errc::invalid_argument) << bad;
  }
  EXPECT_EQ(error_of(names_->create_directory("\\" + std::string(32, 'n'))), Errc::too_big);
  // Directories and links cannot be forged through insert.
  EXPECT_EQ(error_of(names_->insert("\\fake", kDirectoryType, &blk0_)), Errc::invalid_argument);
}

TEST_F(ExecutiveObjectNamespace, SymbolicLinksResolveToTheirTargets) {
  insert("\\Device\\blk0", &blk0_);
  MUST(names_->create_symbolic_link("\\??\\blk0", "\\Device\\blk0"));
  EXPECT_EQ(kBorrowedWidget.body_of(*MUST(names_->lookup("\\??\\blk0"))), &blk0_);
  EXPECT_EQ(kBorrowedWidget.body_of(*MUST(names_->lookup("\\??\\BLK0"))), &blk0_);
  rtl::RefPtr<Object> link = MUST(names_->lookup("\\??\\blk0", Follow::not_final));
  EXPECT_TRUE(link->is_symbolic_link());
  EXPECT_EQ(link->link_target(), "\\Device\\blk0");
  EXPECT_EQ(MUST(names_->lookup("\\Device\\blk0"))->link_target(), "");
}

TEST_F(ExecutiveObjectNamespace, LinksInTheMiddleOfAPathAreFollowed) {
  insert("\\Device\\blk0", &blk0_);
  MUST(names_->create_symbolic_link("\\Global", "\\Device"));
  MUST(names_->create_symbolic_link("\\Top", "\\"));
  EXPECT_EQ(kBorrowedWidget.body_of(*MUST(names_->lookup("\\Global\\blk0"))), &blk0_);
  EXPECT_EQ(kBorrowedWidget.body_of(*MUST(names_->lookup("\\Top\\Device\\blk0"))), &blk0_);
  EXPECT_EQ(kBorrowedWidget.body_of(*MUST(names_->lookup("\\Top\\Global\\blk0"))), &blk0_);
  EXPECT_TRUE(MUST(names_->lookup("\\Top"))->is_directory());
  // Creating through a link creates in the target directory.
  insert("\\Global\\rd0", &rd0_);
  EXPECT_EQ(kBorrowedWidget.body_of(*MUST(names_->lookup("\\Device\\rd0"))), &rd0_);
  EXPECT_EQ(listing("\\Global"), (std::vector<std::string>{"\\Device\\blk0", "\\Device\\rd0"}));
}

TEST_F(ExecutiveObjectNamespace, DanglingLinksAreNotFound) {
  MUST(names_->create_symbolic_link("\\??\\gone", "\\Device\\gone"));
  EXPECT_EQ(lookup_error("\\??\\gone"), Errc::not_found);
  EXPECT_EQ(lookup_error("\\??\\gone", Follow::not_final), Errc::ok);
  // It resolves as soon as its target exists.
  insert("\\Device\\gone", &blk0_);
  EXPECT_EQ(kBorrowedWidget.body_of(*MUST(names_->lookup("\\??\\gone"))), &blk0_);
}

TEST_F(ExecutiveObjectNamespace, LinkChainsResolveUpToTheHopLimit) {
  insert("\\Device\\blk0", &blk0_);
  std::string previous = "\\Device\\blk0";
  for (unsigned hop = 1; hop <= kMaxLinkHops + 1; ++hop) {
    std::string link = "\\??\\hop" + std::to_string(hop);
    MUST(names_->create_symbolic_link(link, previous));
    previous = link;
  }
  EXPECT_EQ(kBorrowedWidget.body_of(*MUST(names_->lookup("\\??\\hop" + std::to_string(kMaxLinkHops)))), &blk0_);
  EXPECT_EQ(lookup_error("\\??\\hop" + std::to_string(kMaxLinkHops + 1)), Errc::too_many_links);
}

TEST_F(ExecutiveObjectNamespace, LinkLoopsFailInsteadOfSpinning) {
  MUST(names_->create_symbolic_link("\\??\\a", "\\??\\b"));
  MUST(names_->create_symbolic_link("\\??\\b", "\\??\\a"));
  MUST(names_->create_symbolic_link("\\??\\self", "\\??\\self"));
  MUST(names_->create_symbolic_link("\\Loop", "\\Loop\\x"));
  EXPECT_EQ(lookup_error("\\??\\a"), Errc::too_many_links);
  EXPECT_EQ(lookup_error("\\??\\self"), Errc::too_many_links);
  EXPECT_EQ(lookup_error("\\Loop"), Errc::too_many_links);
  EXPECT_EQ(lookup_error("\\??\\a\\below"), Errc::too_many_links);
  EXPECT_EQ(error_of(names_->create_directory("\\??\\a\\below")), Errc::too_many_links);
  // The links themselves are still there to be looked at and removed.
  EXPECT_EQ(MUST(names_->lookup("\\??\\a", Follow::not_final))->link_target(), "\\??\\b");
  EXPECT_TRUE(names_->remove("\\??\\a").is_ok());
  EXPECT_EQ(lookup_error("\\??\\b"), Errc::not_found);
}

TEST_F(ExecutiveObjectNamespace, RealPathsStayWithinTheLimitsThroughLinks) {
  std::string deep;
  for (size_t i = 0; i < kMaxDepth; ++i) {
    deep += "\\d";
    MUST(names_->create_directory(deep));
  }
  MUST(names_->create_symbolic_link("\\Deep", deep));
  EXPECT_TRUE(MUST(names_->lookup("\\Deep"))->is_directory());
  EXPECT_EQ(error_of(names_->create_directory("\\Deep\\x")), Errc::too_big);
}

TEST_F(ExecutiveObjectNamespace, RemovingANameKeepsTheObjectForItsHolders) {
  auto* owned = new Widget{7};
  rtl::RefPtr<Object> held = insert("\\Device\\tmp0", owned, kOwnedWidget);
  EXPECT_EQ(held->ref_count(), 2u);  // ours and the directory's
  EXPECT_TRUE(names_->remove("\\Device\\TMP0").is_ok());
  EXPECT_EQ(lookup_error("\\Device\\tmp0"), Errc::not_found);
  EXPECT_EQ(held->ref_count(), 1u);
  EXPECT_EQ(held->name(), "tmp0");
  EXPECT_EQ(kOwnedWidget.body_of(*held), owned);
  EXPECT_EQ(owned->serial, 7);
  EXPECT_EQ(g_bodies_deleted, 0);
  EXPECT_EQ(error_of(names_->remove("\\Device\\tmp0")), Errc::not_found);
  // The name is free again while the old object lives on.
  Widget other{8};
  insert("\\Device\\tmp0", &other);
  held.reset();
  EXPECT_EQ(g_bodies_deleted, 1);
  EXPECT_EQ(kBorrowedWidget.body_of(*MUST(names_->lookup("\\Device\\tmp0"))), &other);
}

TEST_F(ExecutiveObjectNamespace, RemovalRefusesTheRootAndFullDirectories) {
  insert("\\Device\\blk0", &blk0_);
  EXPECT_EQ(error_of(names_->remove("\\")), Errc::busy);
  EXPECT_EQ(error_of(names_->remove("\\Device")), Errc::busy);
  EXPECT_TRUE(names_->remove("\\Device\\blk0").is_ok());
  EXPECT_TRUE(names_->remove("\\Device").is_ok());
  EXPECT_EQ(lookup_error("\\Device"), Errc::not_found);
}

TEST_F(ExecutiveObjectNamespace, RemovingALinkLeavesItsTarget) {
  insert("\\Device\\blk0", &blk0_);
  MUST(names_->create_symbolic_link("\\??\\blk0", "\\Device\\blk0"));
  MUST(names_->create_symbolic_link("\\Global", "\\Device"));
  EXPECT_TRUE(names_->remove("\\??\\blk0").is_ok());
  EXPECT_TRUE(names_->remove("\\Global").is_ok());
  EXPECT_EQ(lookup_error("\\??\\blk0", Follow::not_final), Errc::not_found);
  EXPECT_EQ(lookup_error("\\Device\\blk0"), Errc::ok);
  EXPECT_EQ(lookup_error("\\Device"), Errc::ok);
}

TEST_F(ExecutiveObjectNamespace, AFailedInsertLeavesTheBodyWithTheCaller) {
  insert("\\Device\\taken", &blk0_);
  auto* owned = new Widget{9};
  EXPECT_EQ(error_of(names_->insert("\\Device\\taken", kOwnedWidget, owned)), Errc::already_exists);
  EXPECT_EQ(error_of(names_->insert("\\nowhere\\x", kOwnedWidget, owned)), Errc::not_found);
  EXPECT_EQ(g_bodies_deleted, 0);
  EXPECT_EQ(owned->serial, 9);
  delete owned;
}

TEST_F(ExecutiveObjectNamespace, WalkVisitsEveryObjectDepthFirstInNameOrder) {
  insert("\\Device\\rd0", &rd0_);
  insert("\\Device\\Blk0", &blk0_);
  MUST(names_->create_symbolic_link("\\??\\rd0", "\\Device\\rd0"));
  MUST(names_->create_directory("\\Device\\sub"));
  insert("\\Device\\sub\\x", &blk0_);
  std::vector<std::string> seen;
  names_->walk([&](const ObjectEntry& entry) {
    seen.push_back(std::to_string(entry.depth) + " " + std::string(entry.path) + " " + entry.object.type().name);
  });
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "0 \\ Directory",
                      "1 \\?? Directory",
                      "2 \\??\\rd0 SymbolicLink",
                      "1 \\Device Directory",
                      "2 \\Device\\Blk0 Gadget",
                      "2 \\Device\\rd0 Gadget",
                      "2 \\Device\\sub Directory",
                      "3 \\Device\\sub\\x Gadget",
                      "1 \\Driver Directory",
                  }));
}

TEST_F(ExecutiveObjectNamespace, ListShowsOneDirectoryByItsRealPath) {
  insert("\\Device\\rd0", &rd0_);
  MUST(names_->create_directory("\\Device\\sub"));
  insert("\\Device\\sub\\x", &blk0_);
  EXPECT_EQ(listing("\\Device"), (std::vector<std::string>{"\\Device\\rd0", "\\Device\\sub"}));
  EXPECT_EQ(listing("\\Device\\sub"), (std::vector<std::string>{"\\Device\\sub\\x"}));
  EXPECT_EQ(listing("\\Driver"), std::vector<std::string>{});
  EXPECT_EQ(error_of(names_->list("\\nowhere", [](const ObjectEntry&) {})), Errc::not_found);
}

TEST_F(ExecutiveObjectNamespace, LookupsCountReferences) {
  rtl::RefPtr<Object> directory = MUST(names_->lookup("\\Device"));
  EXPECT_EQ(directory->ref_count(), 2u);  // the root's and ours
  {
    rtl::RefPtr<Object> again = MUST(names_->lookup("\\Device"));
    EXPECT_EQ(directory->ref_count(), 3u);
  }
  EXPECT_EQ(directory->ref_count(), 2u);
}

TEST_F(ExecutiveObjectNamespace, DestroyingTheNamespaceFreesWhatNobodyHolds) {
  auto* kept_body = new Widget{1};
  auto* dropped_body = new Widget{2};
  rtl::RefPtr<Object> kept = insert("\\Device\\kept", kept_body, kOwnedWidget);
  insert("\\Device\\dropped", dropped_body, kOwnedWidget);
  MUST(names_->create_symbolic_link("\\??\\kept", "\\Device\\kept"));
  delete names_;
  names_ = nullptr;
  EXPECT_EQ(g_bodies_deleted, 1);
  EXPECT_EQ(kept->ref_count(), 1u);
  EXPECT_EQ(kOwnedWidget.body_of(*kept), kept_body);
  kept.reset();
  EXPECT_EQ(g_bodies_deleted, 2);
}

TEST(ExecutiveObjectNamespaceInit, NothingResolvesBeforeTheRootExists) {
  ObjectNamespace names;
  EXPECT_EQ(error_of(names.lookup("\\")), Errc::not_found);
  EXPECT_EQ(error_of(names.create_directory("\\Device")), Errc::not_found);
  std::vector<std::string> seen;
  names.walk([&](const ObjectEntry& entry) { seen.emplace_back(entry.path); });
  EXPECT_TRUE(seen.empty());
  ASSERT_TRUE(names.init().is_ok());
  EXPECT_EQ(error_of(names.init()), Errc::already_exists);
  EXPECT_TRUE(names.create_directory("\\Device").is_ok());
}

}  // namespace
