// IntrusiveList: order, O(1) removal anywhere, counted size, safe iteration.
#include <gtest/gtest.h>

#include <vector>

#include "rtl/hosted.h"
#include "rtl/intrusive_list.h"

namespace {

struct Task {
  explicit Task(int task_id) : id(task_id) {}
  int id;
  rtl::IntrusiveListNode run_node;
  rtl::IntrusiveListNode wait_node;
};
using RunQueue = rtl::IntrusiveList<Task, &Task::run_node>;
using WaitQueue = rtl::IntrusiveList<Task, &Task::wait_node>;

std::vector<int> ids(const RunQueue& list) {
  std::vector<int> result;
  for (Task& task : list) result.push_back(task.id);
  return result;
}

TEST(RtlIntrusiveList, PushOrderAndSize) {
  Task a(1), b(2), c(3);
  RunQueue list;
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.size(), 0u);
  EXPECT_EQ(list.front(), nullptr);
  list.push_back(b);
  list.push_back(c);
  list.push_front(a);
  EXPECT_EQ(ids(list), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(list.size(), 3u);
  EXPECT_EQ(list.front(), &a);
  EXPECT_EQ(list.back(), &c);
  EXPECT_TRUE(a.run_node.is_linked());
  EXPECT_FALSE(a.wait_node.is_linked());
}

TEST(RtlIntrusiveList, RemoveFromMiddleEndsAndPop) {
  Task a(1), b(2), c(3), d(4);
  RunQueue list;
  for (Task* task : {&a, &b, &c, &d}) list.push_back(*task);
  list.remove(b);
  EXPECT_FALSE(b.run_node.is_linked());
  EXPECT_EQ(ids(list), (std::vector<int>{1, 3, 4}));
  list.remove(d);
  EXPECT_EQ(list.back(), &c);
  EXPECT_EQ(list.pop_front(), &a);
  EXPECT_EQ(ids(list), (std::vector<int>{3}));
  EXPECT_EQ(list.size(), 1u);
  EXPECT_EQ(list.pop_front(), &c);
  EXPECT_EQ(list.pop_front(), nullptr);
  EXPECT_TRUE(list.empty());
  // Removed nodes can be inserted again.
  list.push_back(b);
  EXPECT_EQ(ids(list), (std::vector<int>{2}));
  list.clear();
  EXPECT_FALSE(b.run_node.is_linked());
}

TEST(RtlIntrusiveList, IterationSurvivesRemovingOtherElements) {
  Task tasks[] = {Task(0), Task(1), Task(2), Task(3), Task(4), Task(5)};
  RunQueue list;
  for (Task& task : tasks) list.push_back(task);
  std::vector<int> visited;
  for (Task& task : list) {
    visited.push_back(task.id);
    // Remove the element right after the current one, and one already seen.
    if (task.id == 1) list.remove(tasks[2]);
    if (task.id == 4) list.remove(tasks[0]);
  }
  EXPECT_EQ(visited, (std::vector<int>{0, 1, 3, 4, 5}));
  EXPECT_EQ(ids(list), (std::vector<int>{1, 3, 4, 5}));
  EXPECT_EQ(list.size(), 4u);
}

TEST(RtlIntrusiveList, OneElementOnTwoListsThroughTwoNodes) {
  Task a(1), b(2);
  RunQueue run;
  WaitQueue wait;
  run.push_back(a);
  run.push_back(b);
  wait.push_back(b);
  EXPECT_EQ(run.size(), 2u);
  EXPECT_EQ(wait.size(), 1u);
  EXPECT_EQ(wait.front(), &b);
  run.remove(b);
  EXPECT_EQ(wait.front(), &b);
  EXPECT_TRUE(wait.contains(b));
  EXPECT_FALSE(run.contains(b));
}

TEST(RtlIntrusiveList, DoubleInsertAndForeignRemovePanic) {
  rtl::hosted::ScopedPanicHandler throwing;
  Task a(1), b(2);
  RunQueue first, second;
  first.push_back(a);
  EXPECT_THROW(first.push_back(a), rtl::hosted::Panicked);
  EXPECT_THROW(second.push_front(a), rtl::hosted::Panicked);
  EXPECT_THROW(second.remove(a), rtl::hosted::Panicked);
  EXPECT_THROW(second.remove(b), rtl::hosted::Panicked);
  // The failed operations left both lists intact.
  EXPECT_EQ(first.size(), 1u);
  EXPECT_EQ(second.size(), 0u);
  EXPECT_EQ(first.front(), &a);
}

TEST(RtlIntrusiveList, DestroyingTheListUnlinksItsElements) {
  Task a(1);
  {
    RunQueue list;
    list.push_back(a);
  }
  EXPECT_FALSE(a.run_node.is_linked());
}

}  // namespace

TEST(RtlIntrusiveListInsert, InsertBeforeKeepsOrderAndCount) {
  struct Item {
    int value;
    rtl::IntrusiveListNode node;
  };
  rtl::IntrusiveList<Item, &Item::node> list;
  Item a{1, {}}, c{3, {}}, b{2, {}}, z{0, {}};
  list.push_back(a);
  list.push_back(c);
  list.insert_before(c, b);
  list.insert_before(a, z);
  int expected = 0;
  for (Item& item : list) EXPECT_EQ(item.value, expected++);
  EXPECT_EQ(expected, 4);
  EXPECT_EQ(list.size(), 4u);
  list.clear();
}
