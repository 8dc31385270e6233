// The in-process job's last words on SIGINT/SIGTERM/SIGHUP.
//
// A job run in the launcher's own process (-n 1) spends its time inside long synchronous
// native calls (filling, writing HDF5): a JS signal listener would run only after the
// call returns, minutes later, and without one Node dies at once leaving the temporary
// output behind. While armed, this handler removes the given files (the temporary file,
// the lock), writes one line, and exits 128 + the signal, as a shell reports it. It uses
// only async-signal-safe calls (unlink, write, _exit). Which files and which words are
// decided in TypeScript (src/runtime/interrupt.ts).
#include <signal.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "common.h"

namespace mpinapi {

namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
constexpr int kCount = sizeof(kSignals) / sizeof(kSignals[0]);

// built before arming and never changed while armed: the handler only reads them
std::vector<std::string> g_paths;
std::string g_lines[kCount];
struct sigaction g_old[kCount];
bool g_armed = false;

void OnSignal(int sig) {
  for (const std::string& p : g_paths) unlink(p.c_str());
  for (int i = 0; i < kCount; ++i) {
    if (kSignals[i] != sig) continue;
    ssize_t ignored = write(2, g_lines[i].data(), g_lines[i].size());
    (void)ignored;
  }
  _exit(128 + sig);
}

void Disarm() {
  if (!g_armed) return;
  for (int i = 0; i < kCount; ++i) sigaction(kSignals[i], &g_old[i], nullptr);
  g_armed = false;
}

}  // namespace

// armInterruptCleanup(paths[], lineForSIGINT, lineForSIGTERM, lineForSIGHUP)
static Napi::Value Arm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Disarm();
  Napi::Array paths = info[0].As<Napi::Array>();
  g_paths.clear();
  for (uint32_t i = 0; i < paths.Length(); ++i) g_paths.push_back(paths.Get(i).As<Napi::String>());
  for (int i = 0; i < kCount; ++i) g_lines[i] = info[1 + i].As<Napi::String>();
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  for (int i = 0; i < kCount; ++i) sigaddset(&sa.sa_mask, kSignals[i]);  // one handler at a time
  for (int i = 0; i < kCount; ++i) sigaction(kSignals[i], &sa, &g_old[i]);
  g_armed = true;
  return env.Undefined();
}

// disarmInterruptCleanup(): the previous handlers (Node's, or the default) again
static Napi::Value DisarmJs(const Napi::CallbackInfo& info) {
  Disarm();
  return info.Env().Undefined();
}

void InitInterrupt(Napi::Env env, Napi::Object exports) {
  exports.Set("armInterruptCleanup", Napi::Function::New(env, Arm));
  exports.Set("disarmInterruptCleanup", Napi::Function::New(env, DisarmJs));
}

}  // namespace mpinapi
