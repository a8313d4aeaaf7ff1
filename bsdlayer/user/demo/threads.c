// POSIX threads on Amphi's Linux personality (the `threads` boot scenario):
// clone(CLONE_THREAD), futexes, CLONE_CHILD_CLEARTID (pthread_join), gettid.
// Built with the host's static glibc: gcc -static -O2 -pthread.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { kThreads = 4, kIncrements = 100000, kRounds = 1000 };

static pthread_mutex_t g_mutex = PTHREAD_MUTEX_INITIALIZER;
static long g_counter;

struct Worker {
  pthread_t thread;
  pid_t tid;
};

static void* increment(void* argument) {
  struct Worker* self = argument;
  self->tid = gettid();
  for (int i = 0; i < kIncrements; ++i) {
    pthread_mutex_lock(&g_mutex);
    ++g_counter;
    pthread_mutex_unlock(&g_mutex);
  }
  return NULL;
}

// Ping-pong: two threads take turns through one condition variable.
static pthread_mutex_t g_turn_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_turn_changed = PTHREAD_COND_INITIALIZER;
static int g_turn;  // 0: ping's, 1: pong's
static int g_volleys;

static void* player(void* argument) {
  int me = (int)(long)argument;
  for (int i = 0; i < kRounds; ++i) {
    pthread_mutex_lock(&g_turn_mutex);
    while (g_turn != me) pthread_cond_wait(&g_turn_changed, &g_turn_mutex);
    ++g_volleys;
    g_turn = !me;
    pthread_cond_signal(&g_turn_changed);
    pthread_mutex_unlock(&g_turn_mutex);
  }
  return NULL;
}

// A timed wait that nobody signals: FUTEX_WAIT_BITSET with a deadline.
static int timed_wait_times_out(void) {
  pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_nsec += 50 * 1000 * 1000;
  if (deadline.tv_nsec >= 1000000000) {
    deadline.tv_sec += 1;
    deadline.tv_nsec -= 1000000000;
  }
  pthread_mutex_lock(&mutex);
  int error = pthread_cond_timedwait(&cond, &mutex, &deadline);
  pthread_mutex_unlock(&mutex);
  return error == ETIMEDOUT;
}

// tgkill to another thread of the process.
static volatile sig_atomic_t g_usr1;
static void on_usr1(int signo) { (void)signo; g_usr1 = 1; }
static volatile pid_t g_target_tid;
static void* wait_for_usr1(void* argument) {
  (void)argument;
  g_target_tid = gettid();
  for (int i = 0; i < 2000 && !g_usr1; ++i) usleep(1000);
  return NULL;
}

// Left blocked on a condition variable nobody signals: main's return
// (exit_group) must end it too.
static pthread_mutex_t g_never_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_never = PTHREAD_COND_INITIALIZER;
static void* block_forever(void* argument) {
  (void)argument;
  pthread_mutex_lock(&g_never_mutex);
  for (;;) pthread_cond_wait(&g_never, &g_never_mutex);
  return NULL;
}

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "exec") == 0) {
    // execve from a thread while another is blocked: the other threads go
    // (Linux's de_thread) and the new image runs alone.
    pthread_t blocked;
    pthread_create(&blocked, NULL, block_forever, NULL);
    usleep(10000);
    execl("/bin/echo", "echo", "threads: exec from a threaded process ok", (char*)NULL);
    perror("threads: execl");
    return 1;
  }
  struct Worker workers[kThreads];
  memset(workers, 0, sizeof workers);
  pid_t main_tid = gettid();
  for (int i = 0; i < kThreads; ++i) {
    int error = pthread_create(&workers[i].thread, NULL, increment, &workers[i]);
    if (error) {
      printf("threads: pthread_create: %s\n", strerror(error));
      return 1;
    }
  }
  for (int i = 0; i < kThreads; ++i) pthread_join(workers[i].thread, NULL);
  printf("threads: counter=%ld\n", g_counter);

  int distinct = main_tid == getpid();
  for (int i = 0; i < kThreads; ++i) {
    printf("threads: thread %d tid=%d\n", i, (int)workers[i].tid);
    if (workers[i].tid <= 0 || workers[i].tid == main_tid) distinct = 0;
    for (int j = 0; j < i; ++j)
      if (workers[j].tid == workers[i].tid) distinct = 0;
  }
  printf("threads: pid=%d main tid=%d, tids %s\n", (int)getpid(), (int)main_tid, distinct ? "distinct" : "NOT distinct");

  pthread_t ping, pong;
  pthread_create(&ping, NULL, player, (void*)0L);
  pthread_create(&pong, NULL, player, (void*)1L);
  pthread_join(ping, NULL);
  pthread_join(pong, NULL);
  printf("threads: ping-pong volleys=%d\n", g_volleys);

  int timed = timed_wait_times_out();
  printf("threads: timed wait %s\n", timed ? "timed out" : "did NOT time out");

  signal(SIGUSR1, on_usr1);
  pthread_t target;
  pthread_create(&target, NULL, wait_for_usr1, NULL);
  while (!g_target_tid) sched_yield();
  int sent = syscall(SYS_tgkill, getpid(), g_target_tid, SIGUSR1);
  pthread_join(target, NULL);
  printf("threads: tgkill %s (result %d, errno %d, tid %d)\n", sent == 0 && g_usr1 ? "delivered" : "NOT delivered", sent, errno, (int)g_target_tid);

  pthread_t blocked;
  pthread_create(&blocked, NULL, block_forever, NULL);
  usleep(10000);

  int ok = g_counter == (long)kThreads * kIncrements && distinct && g_volleys == 2 * kRounds && timed && g_usr1;
  printf("threads: %s\n", ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
