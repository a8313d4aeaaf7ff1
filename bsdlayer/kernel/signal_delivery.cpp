// Signal generation and delivery: the glue between the portable SignalState
// and signal frame code (bsdlayer/signal/) and the microcore.
//
// Generation (post_signal_locked) happens under BsdLock from kill, child
// exit, faults and the tty; it only marks the signal pending and, when the
// target can act on it, interrupts the target's blocking call
// (microcore::interrupt_thread: the call returns EINTR). Action happens on
// the target's own thread at its next return to user mode (the personality
// return hook): a handler gets an rt_sigframe on its stack, a fatal signal
// ends the task, a stop signal parks the thread on signal_events until
// SIGCONT.
//
// The console's ^C/^\/^Z arrive in interrupt context, where BsdLock cannot
// be taken (the interrupted code may hold it once this runs on more than one
// CPU): the interrupt records the signal in g_tty_pending and wakes a kernel
// thread that posts it to the foreground group under the lock; any return
// to user mode posts it too, whichever comes first.
#include "bsdlayer/bsdlayer.h"
#include "bsdlayer/linux/errno.h"
#include "bsdlayer/process.h"
#include "rtl/log.h"
#include "rtl/platform.h"

namespace bsdlayer {
namespace {

using namespace linux_abi;

uint64_t g_tty_pending = 0;  // signal bits raised by the console, atomically updated
microcore::WaitQueue* g_tty_worker_queue = nullptr;

void post_tty_pending() {
  uint64_t pending = __atomic_exchange_n(&g_tty_pending, 0, __ATOMIC_ACQ_REL);
  if (!pending) return;
  BsdLock lock;
  int pgid = console_tty::foreground_pgid();
  if (!pgid) return;
  for (int signo = 1; signo <= kNSIG; ++signo) {
    if (!(pending & sig_bit(signo))) continue;
    SigInfo info{};
    info.signo = signo;
    info.code = kSI_KERNEL;
    post_group_signal_locked(pgid, signo, &info);
  }
}

[[noreturn]] void tty_signal_worker(void*) {
  for (;;) {
    rtl::platform::IrqState interrupts = rtl::platform::irq_save();
    if (!__atomic_load_n(&g_tty_pending, __ATOMIC_ACQUIRE)) (void)microcore::wait_on(*g_tty_worker_queue, 0);
    rtl::platform::irq_restore(interrupts);
    post_tty_pending();
  }
}

UserRegisters registers_from(const microcore::UserFrame& f) {
  return {f.rax, f.rbx, f.rcx, f.rdx, f.rsi, f.rdi, f.rbp, f.rsp, f.r8, f.r9, f.r10, f.r11,
          f.r12, f.r13, f.r14, f.r15, f.rip, f.rflags};
}

void load_registers(microcore::UserFrame& f, const UserRegisters& r) {
  f.rax = r.rax, f.rbx = r.rbx, f.rcx = r.rcx, f.rdx = r.rdx, f.rsi = r.rsi, f.rdi = r.rdi;
  f.rbp = r.rbp, f.rsp = r.rsp, f.r8 = r.r8, f.r9 = r.r9, f.r10 = r.r10, f.r11 = r.r11;
  f.r12 = r.r12, f.r13 = r.r13, f.r14 = r.r14, f.r15 = r.r15, f.rip = r.rip, f.rflags = r.rflags;
}

[[noreturn]] void terminate_current(int signo) {
  microcore::current_task().kill(128 + signo);  // on_task_exit turns 128+n into "killed by n"
  microcore::exit_current_thread();
}

// The parent hears of a stop or a continue: wait4 (WUNTRACED/WCONTINUED)
// and SIGCHLD unless it asked for SA_NOCLDSTOP.
void notify_parent_locked(Process& child, int32_t code, int status) {
  Process* parent = child.parent;
  if (!parent) return;
  if (parent->signals.notify_child_stop()) {
    SigInfo info{};
    info.signo = kSIGCHLD;
    info.code = code;
    info.fields.child.pid = child.pid;
    info.fields.child.status = status;
    post_signal_locked(*parent, kSIGCHLD, &info);
  }
  microcore::wake_waiters(*parent->child_events);
}

// A stop signal's default action: sleep until SIGCONT (or SIGKILL).
void stop_current(Process& process, microcore::Task& task, int signo) {
  {
    BsdLock lock;
    process.stopped = true;
    process.stop_signal = signo;
    process.stop_unreported = true;
    process.continue_unreported = false;
    notify_parent_locked(process, kCLD_STOPPED, signo);
  }
  for (;;) {
    rtl::platform::IrqState interrupts = rtl::platform::irq_save();
    lock_bsd();
    bool still_stopped = process.stopped && !task.dying();
    unlock_bsd();
    if (!still_stopped) {
      rtl::platform::irq_restore(interrupts);
      break;
    }
    microcore::clear_thread_interrupt();  // only SIGCONT (this queue) or SIGKILL (the kill) ends a stop
    (void)microcore::wait_on(*process.signal_events, 0);
    rtl::platform::irq_restore(interrupts);
  }
  if (task.dying()) microcore::exit_current_thread();
}

// Builds the handler's frame; false if the user stack could not take it.
bool enter_handler(Process& process, microcore::UserFrame& frame, const Disposition& disposition,
                   SigSet saved_mask) {
  SignalDelivery delivery{};
  delivery.signo = disposition.signo;
  delivery.action = disposition.action;
  delivery.info = disposition.info;
  delivery.saved_mask = saved_mask;
  delivery.save_fpu = true;
  {
    BsdLock lock;
    delivery.alt_stack = process.alt_stack;
    if (kSynchronousSignals & sig_bit(disposition.signo)) delivery.fault = process.fault;
  }
  UserSelectors selectors{static_cast<uint16_t>(frame.cs), static_cast<uint16_t>(frame.ss)};
  auto layout = build_signal_frame(registers_from(frame), selectors, delivery);
  if (layout.is_error()) return false;
  alignas(64) FxsaveArea fpu;
  microcore::save_user_fpu(&fpu);
  if (layout.value().fpstate_address &&
      !microcore::copy_to_user(layout.value().fpstate_address, &fpu, sizeof fpu))
    return false;
  if (!microcore::copy_to_user(layout.value().frame_address, &layout.value().frame, sizeof(RtSigframe)))
    return false;
  load_registers(frame, layout.value().handler_registers);
  return true;
}

constexpr uint64_t kSyscallVector = 0x100;  // hal's mark for a system-call frame

void restart_syscall(microcore::UserFrame& frame, int64_t number) {
  frame.rip -= 2;  // back onto the SYSCALL instruction; the arguments are still in place
  frame.rax = static_cast<uint64_t>(number);
}

bool restartable_with_handler(int64_t number) {
  switch (number) {
    case 7: case 23: case 34: case 35: case 130: case 230: case 232: case 270: case 271: case 281:
      return false;  // poll select pause nanosleep rt_sigsuspend clock_nanosleep epoll_wait pselect6 ppoll epoll_pwait
    default: return true;
  }
}

// The return hook: acts on every deliverable signal before user code runs.
void on_user_return(microcore::Task& task, microcore::UserFrame& frame) {
  if (__atomic_load_n(&g_tty_pending, __ATOMIC_RELAXED)) post_tty_pending();
  auto* process = static_cast<Process*>(task.personality);
  // A system call that returned EINTR for a signal is restarted if no
  // handler runs (a stop, an ignored or fatal-later signal: Linux's
  // ERESTARTSYS), or if the handler asked for SA_RESTART; calls that wait
  // for a signal or time (pause, sigsuspend, sleeps, polls) report EINTR to
  // a handler regardless.
  // (Per thread: only the thread whose call it was consumes it.)
  int64_t restart = -1;
  if (process->interrupted_thread == microcore::current_thread_handle()) {
    if (process->interrupted_syscall >= 0 && frame.vector == kSyscallVector &&
        static_cast<int64_t>(frame.rax) == -LINUX_EINTR)
      restart = process->interrupted_syscall;
    process->interrupted_syscall = -1;
    process->interrupted_thread = nullptr;
  }
  // The common case, on every system call: nothing to deliver or restart.
  // The peek is racy by design: a signal posted right after it interrupts
  // the thread and is taken at its next return to user mode.
  if (restart < 0 && !process->suspend_mask_saved && !process->signals.has_deliverable()) return;
  for (;;) {
    Disposition disposition;
    SigSet saved_mask;
    {
      BsdLock lock;
      // Under the lock the decision stays right on more than one CPU.
      if (!process->signals.has_deliverable()) {
        if (process->suspend_mask_saved) {  // sigsuspend woke for a signal with no handler
          process->signals.set_blocked(process->suspend_mask);
          process->suspend_mask_saved = false;
        }
        if (restart >= 0) restart_syscall(frame, restart);
        return;
      }
      saved_mask = process->suspend_mask_saved ? process->suspend_mask : process->signals.blocked();
      disposition = process->signals.dequeue();
    }
    switch (disposition.kind) {
      case Disposition::Kind::none: continue;
      case Disposition::Kind::terminate:
      case Disposition::Kind::core: terminate_current(disposition.signo);
      case Disposition::Kind::stop: stop_current(*process, task, disposition.signo); continue;
      case Disposition::Kind::continue_: continue;  // the resume happened when it was sent
      case Disposition::Kind::handler: {
        if (restart >= 0 && (disposition.action.flags & kSA_RESTART) && restartable_with_handler(restart))
          restart_syscall(frame, restart);
        restart = -1;
        bool entered = enter_handler(*process, frame, disposition, saved_mask);
        BsdLock lock;
        if (!entered) {
          process->signals.force_sigsegv();
          continue;
        }
        process->suspend_mask_saved = false;  // the frame holds it; rt_sigreturn restores it
        process->signals.handler_entered(disposition.signo, disposition.action);
        continue;  // a further deliverable signal nests its frame on this handler's
      }
    }
  }
}

// A user fault the VM could not resolve becomes a signal: caught, it is
// delivered at the return to user mode; otherwise (default, ignored or
// blocked — Linux's force_sig_fault) the process dies of it.
bool on_user_fault(microcore::Task& task, microcore::UserFrame& frame, const microcore::UserFault& fault) {
  auto* process = static_cast<Process*>(task.personality);
  int signo;
  SigInfo info{};
  switch (fault.vector) {
    case 14:
      signo = kSIGSEGV;
      info.code = fault.present ? kSEGV_ACCERR : kSEGV_MAPERR;
      info.fields.fault.addr = fault.address;
      break;
    case 13: signo = kSIGSEGV, info.code = kSI_KERNEL; break;
    case 6: signo = kSIGILL, info.code = 2 /* ILL_ILLOPN */, info.fields.fault.addr = frame.rip; break;
    case 0: signo = kSIGFPE, info.code = 1 /* FPE_INTDIV */, info.fields.fault.addr = frame.rip; break;
    case 16:
    case 19: signo = kSIGFPE, info.code = kSI_KERNEL, info.fields.fault.addr = frame.rip; break;
    case 1:
    case 3: signo = kSIGTRAP, info.code = kSI_KERNEL; break;
    case 17: signo = kSIGBUS, info.code = kSI_KERNEL; break;
    default: signo = kSIGSEGV, info.code = kSI_KERNEL; break;
  }
  info.signo = signo;
  bool caught;
  {
    BsdLock lock;
    const KernelSigaction& action = process->signals.action(signo);
    caught = action.handler != kSIG_DFL && action.handler != kSIG_IGN &&
             !(process->signals.blocked() & sig_bit(signo));
    if (caught) {
      process->fault = {frame.error_code, fault.vector, fault.vector == 14 ? fault.address : 0};
      process->signals.send(signo, &info);
    }
  }
  if (!caught) {
    rtl::pr_info("bsdlayer: pid {} ({}): signal {} at rip {:#x} (fault vector {}, address {:#x})", process->pid,
                 process->name, signo, frame.rip, fault.vector, fault.address);
    task.kill(128 + signo);  // the thread stops at its return to user mode
  }
  return true;
}

}  // namespace

void post_signal_locked(Process& target, int signo, const SigInfo* info) {
  if (target.state == ProcessState::zombie || !target.task) return;
  // init gets only the signals it handles (Linux's SIGNAL_UNKILLABLE).
  if (target.pid == 1 && target.signals.action(signo).handler == kSIG_DFL) return;
  if (signo == kSIGKILL) {
    target.task->kill(128 + kSIGKILL);  // wakes it from any wait, a stop included
    return;
  }
  SendOutcome outcome = target.signals.send(signo, info);
  if (outcome.resume_if_stopped && target.stopped) {
    target.stopped = false;
    target.stop_unreported = false;
    target.continue_unreported = true;
    microcore::wake_waiters(*target.signal_events);
    notify_parent_locked(target, kCLD_CONTINUED, kSIGCONT);
  }
  if (outcome.queued && target.signals.has_deliverable() && !target.stopped)
    microcore::interrupt_thread(*target.task);
}

int post_group_signal_locked(int pgid, int signo, const SigInfo* info) {
  struct Context {
    int pgid, signo, count;
    const SigInfo* info;
  } context{pgid, signo, 0, info};
  for_each_process(
      [](Process& process, void* raw) {
        auto& c = *static_cast<Context*>(raw);
        if (process.pgid != c.pgid || process.state == ProcessState::zombie) return;
        ++c.count;
        if (c.signo) post_signal_locked(process, c.signo, c.info);
      },
      &context);
  return context.count;
}

void post_tty_signal_from_interrupt(int signo) {
  if (!valid_signal(signo)) return;
  __atomic_fetch_or(&g_tty_pending, sig_bit(signo), __ATOMIC_ACQ_REL);
  if (g_tty_worker_queue) microcore::wake_waiters(*g_tty_worker_queue);
}

void install_signal_hooks() {
  microcore::set_personality_return_hook(on_user_return);
  microcore::set_user_fault_hook(on_user_fault);
  auto queue = microcore::create_wait_queue();
  if (queue.is_ok()) g_tty_worker_queue = queue.value();
  if (queue.is_error() || microcore::start_kernel_thread(tty_signal_worker, nullptr).is_error())
    rtl::pr_err("bsdlayer: no tty signal thread; ^C acts at the next return to user mode");
}

}  // namespace bsdlayer
