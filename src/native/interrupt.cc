// The in-process job's last words on SIGINT/SIGTERM/SIGHUP, and on SIGBUS.
//
// A job run in the launcher's own process (-n 1) spends its time inside long synchronous
// native calls (filling, writing HDF5): a JS signal listener would run only after the
// call returns, minutes later, and without one Node dies at once leaving the temporary
// output behind. While armed, this handler removes the given files (the temporary file,
// the lock), writes one line, and exits 128 + the signal, as a shell reports it. It uses
// only async-signal-safe calls (unlink, write, _exit). Which files and which words are
// decided in TypeScript (src/runtime/interrupt.ts).
//
// SIGBUS is what touching a mapped page raises when another program truncated the mapped
// source file meanwhile (src/dnd/io-map.ts): a rank under mpiexec dies of it and the
// launcher names the cause; in-process it would kill the CLI itself ("Bus error", 135).
// Armed with a line, the handler ends such a job as any failure inside a job ends: exit 3.
// Execution cannot continue after a SIGBUS from a memory access, so the handler never
// returns.
#include <signal.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "common.h"

namespace mpinapi {

namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGBUS};
constexpr int kCount = sizeof(kSignals) / sizeof(kSignals[0]);

// built before arming and never changed while armed: the handler only reads them
std::vector<std::string> g_paths;
std::string g_lines[kCount];
struct sigaction g_old[kCount];
bool g_installed[kCount] = {};
bool g_armed = false;

void OnSignal(int sig) {
  for (const std::string& p : g_paths) unlink(p.c_str());
  for (int i = 0; i < kCount; ++i) {
    if (kSignals[i] != sig) continue;
    ssize_t ignored = write(2, g_lines[i].data(), g_lines[i].size());
    (void)ignored;
  }
  _exit(sig == SIGBUS ? 3 : 128 + sig);
}

void Disarm() {
  if (!g_armed) return;
  for (int i = 0; i < kCount; ++i) {
    if (g_installed[i]) sigaction(kSignals[i], &g_old[i], nullptr);
    g_installed[i] = false;
  }
  g_armed = false;
}

}  // namespace

// armInterruptCleanup(paths[], lineForSIGINT, lineForSIGTERM, lineForSIGHUP, lineForSIGBUS):
// a signal whose line is empty keeps its handler
static Napi::Value Arm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Disarm();
  Napi::Array paths = info[0].As<Napi::Array>();
  g_paths.clear();
  for (uint32_t i = 0; i < paths.Length(); ++i) g_paths.push_back(paths.Get(i).As<Napi::String>());
  for (int i = 0; i < kCount; ++i) g_lines[i] = info[1 + i].IsString() ? std::string(info[1 + i].As<Napi::String>()) : std::string();
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  for (int i = 0; i < kCount; ++i) sigaddset(&sa.sa_mask, kSignals[i]);  // one handler at a time
  for (int i = 0; i < kCount; ++i) {
    if (g_lines[i].empty()) continue;
    sigaction(kSignals[i], &sa, &g_old[i]);
    g_installed[i] = true;
  }
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
