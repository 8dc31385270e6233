// A rank's link to dnd's launcher, watched from a thread of its own.
//
// Rank 0's stdin is a pipe that only the launcher holds (mpiexec forwards its own stdin to
// rank 0, on whatever host): end-of-file means the launcher is gone, even by SIGKILL
// (src/runtime/link.ts). A thread blocked in poll()/read() sees that at once, also while
// the JavaScript thread is inside a long collective or a synchronous script, when a
// JavaScript listener could not run; and the rank never builds Node's stdin stream (a
// socket, and the net module behind it: a few milliseconds of every rank 0's start).
// What the thread reads is ignored. At end-of-file or an error it waits the grace period
// it was given, then writes its message to stderr and ends the process with SIGKILL: that
// cannot hang, and mpiexec, if still there, sees a rank die and stops the others. The
// grace is for mpiexec's own end of a job: it closes rank 0's stdin too when a rank failed
// (MPI_Init refused a setting, say), and ends rank 0 itself right after; the failing rank's
// report is the one that must reach the user, not "the launcher is gone".
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "common.h"

namespace mpinapi {

namespace {

struct Watch {
  int fd;
  std::string message;
  int graceMs;
};

std::atomic<bool> watching{false};

void* WatchFd(void* arg) {
  Watch* w = static_cast<Watch*>(arg);
  char buf[4096];
  for (;;) {
    struct pollfd p {w->fd, POLLIN, 0};
    int ready = poll(&p, 1, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    ssize_t n = read(w->fd, buf, sizeof buf);
    if (n > 0) continue;
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    break;  // 0: end-of-file; < 0: the link failed
  }
  struct timespec grace {w->graceMs / 1000, (w->graceMs % 1000) * 1000000L};
  while (nanosleep(&grace, &grace) != 0 && errno == EINTR) {
  }
  const char* text = w->message.data();
  size_t left = w->message.size();
  while (left > 0) {
    ssize_t n = write(STDERR_FILENO, text, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // nobody is listening any more
    text += n;
    left -= static_cast<size_t>(n);
  }
  kill(getpid(), SIGKILL);
  return nullptr;
}

}  // namespace

// watchLifeline(fd, message, graceMs): true when the watch started, false when one already runs
static Napi::Value WatchLifeline(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsString() || !info[2].IsNumber() || info[2].As<Napi::Number>().Int32Value() < 0) {
    ThrowNative(env, "watchLifeline(fd, message, graceMs): a file descriptor, a message and a grace period of 0 ms or more", "EARG");
    return env.Undefined();
  }
  if (watching.exchange(true)) return Napi::Boolean::New(env, false);
  Watch* w = new Watch{info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::String>().Utf8Value(), info[2].As<Napi::Number>().Int32Value()};
  // the thread takes no signal: they stay with Node's threads, as before it existed
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  pthread_t thread;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  int rc = pthread_create(&thread, &attr, WatchFd, w);
  pthread_attr_destroy(&attr);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (rc != 0) {
    delete w;
    watching = false;
    ThrowNative(env, std::string("cannot start the launcher watch: ") + strerror(rc), "ETHREAD");
    return env.Undefined();
  }
  return Napi::Boolean::New(env, true);
}

void InitLifeline(Napi::Env env, Napi::Object exports) {
  exports.Set("watchLifeline", Napi::Function::New(env, WatchLifeline));
}

}  // namespace mpinapi
