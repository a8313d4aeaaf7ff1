// A queue of threads waiting for something. The scheduler owns the
// membership (Thread::queue_node); the queue only says who waits, in order.
#pragma once

#include "microcore/thread.h"
#include "rtl/intrusive_list.h"

namespace microcore {

struct WaitQueue {
  rtl::IntrusiveList<Thread, &Thread::queue_node> waiters;
};

}  // namespace microcore
