// A doubly linked list whose links live inside the elements, as Linux's
// list_head and SerenityOS's IntrusiveList: inserting and removing never
// allocate, so they work with interrupts off, under spinlocks, and in the
// allocator itself.
//
//   struct Thread {
//     rtl::IntrusiveListNode run_queue_node;
//   };
//   rtl::IntrusiveList<Thread, &Thread::run_queue_node> run_queue;
//
// Ownership: the list owns nothing. Elements must outlive their membership
// (remove before destroying), and the caller provides any locking.
// A node is on at most one list at a time; inserting a linked node, or
// removing a node from a list it is not on, panics. An element that must be on
// several lists has one node member per list.
#pragma once

#include <cstddef>
#include <cstdint>

#include "rtl/panic.h"

namespace rtl {

class IntrusiveListNode {
 public:
  IntrusiveListNode() = default;
  // Copying would duplicate links into a list that only knows the original.
  IntrusiveListNode(const IntrusiveListNode&) = delete;
  IntrusiveListNode& operator=(const IntrusiveListNode&) = delete;
  ~IntrusiveListNode() { RTL_ASSERT(!is_linked()); }

  bool is_linked() const { return owner_ != nullptr; }

 private:
  template <typename T, IntrusiveListNode T::*Member>
  friend class IntrusiveList;

  IntrusiveListNode* prev_ = nullptr;
  IntrusiveListNode* next_ = nullptr;
  // The list this node is on, or null. Lets remove() check that the node is
  // on *this* list, so a mix-up cannot corrupt two lists' counts.
  const void* owner_ = nullptr;
};

template <typename T, IntrusiveListNode T::*Member>
class IntrusiveList {
 public:
  // Invariant: head_ is null iff the list is empty; head_->prev_ and
  // tail_->next_ are null; size_ counts the nodes reachable from head_.
  IntrusiveList() = default;
  // Nodes point back at the list (owner_), so the list cannot move.
  IntrusiveList(const IntrusiveList&) = delete;
  IntrusiveList& operator=(const IntrusiveList&) = delete;
  // Unlinks whatever is left, so the elements can be destroyed or reused.
  ~IntrusiveList() { clear(); }

  bool empty() const { return head_ == nullptr; }
  size_t size() const { return size_; }
  T* front() const { return head_ ? element_of(head_) : nullptr; }
  T* back() const { return tail_ ? element_of(tail_) : nullptr; }

  void push_back(T& element) {
    IntrusiveListNode& node = element.*Member;
    link(node);
    node.prev_ = tail_;
    if (tail_) tail_->next_ = &node; else head_ = &node;
    tail_ = &node;
  }

  void push_front(T& element) {
    IntrusiveListNode& node = element.*Member;
    link(node);
    node.next_ = head_;
    if (head_) head_->prev_ = &node; else tail_ = &node;
    head_ = &node;
  }

  // Links `element` just before `position`, which must be on this list
  // (keeps sorted lists sorted without a second pass).
  void insert_before(T& position, T& element) {
    IntrusiveListNode& at = position.*Member;
    RTL_ASSERT(at.owner_ == this);
    if (!at.prev_) {
      push_front(element);
      return;
    }
    IntrusiveListNode& node = element.*Member;
    link(node);
    node.prev_ = at.prev_;
    node.next_ = &at;
    at.prev_->next_ = &node;
    at.prev_ = &node;
  }

  T* pop_front() {
    T* element = front();
    if (element) remove(*element);
    return element;
  }

  void remove(T& element) {
    IntrusiveListNode& node = element.*Member;
    RTL_ASSERT(node.owner_ == this);
    if (node.prev_) node.prev_->next_ = node.next_; else head_ = node.next_;
    if (node.next_) node.next_->prev_ = node.prev_; else tail_ = node.prev_;
    node.prev_ = node.next_ = nullptr;
    node.owner_ = nullptr;
    --size_;
  }

  void clear() {
    while (pop_front()) {}
  }

  bool contains(const T& element) const { return (element.*Member).owner_ == this; }

  // Points at one node; removing *other* elements never invalidates it.
  // Removing the element it points at does: advance first, then remove.
  class Iterator {
   public:
    T& operator*() const { return *element_of(node_); }
    T* operator->() const { return element_of(node_); }
    Iterator& operator++() {
      node_ = node_->next_;
      return *this;
    }
    bool operator==(const Iterator&) const = default;

   private:
    friend class IntrusiveList;
    explicit Iterator(IntrusiveListNode* node) : node_(node) {}
    IntrusiveListNode* node_;
  };

  Iterator begin() const { return Iterator(head_); }
  Iterator end() const { return Iterator(nullptr); }

 private:
  void link(IntrusiveListNode& node) {
    RTL_ASSERT(!node.is_linked());
    node.owner_ = this;
    node.next_ = node.prev_ = nullptr;
    ++size_;
  }

  // container_of: the node sits at a fixed offset inside T. Under the
  // Itanium C++ ABI (gcc and clang on x86-64) a pointer to data member is
  // exactly that offset.
  static T* element_of(IntrusiveListNode* node) {
    auto offset = __builtin_bit_cast(ptrdiff_t, Member);
    return reinterpret_cast<T*>(reinterpret_cast<uintptr_t>(node) - offset);
  }

  IntrusiveListNode* head_ = nullptr;
  IntrusiveListNode* tail_ = nullptr;
  size_t size_ = 0;
};

}  // namespace rtl
