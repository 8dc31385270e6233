// Interrupts that reach a rank through its MPI launcher.
//
// `dnd px` interrupts a cell on every rank, on every host, by sending a signal to its own
// mpiexec (or srun), which forwards it to every rank: Open MPI, MPICH's Hydra and srun all
// forward SIGUSR1 (src/runtime/jobs/px.ts). Node can stop a busy synchronous script only
// on SIGINT (vm's breakOnSigint), and a JavaScript listener of another signal would run
// only after the script ends. So the forwarded signal becomes a SIGINT to this process,
// from inside the signal handler (kill is async-signal-safe). Which signals is decided in
// TypeScript.
#include <signal.h>
#include <unistd.h>

#include "common.h"

namespace mpinapi {

namespace {

void RaiseSigint(int) { kill(getpid(), SIGINT); }

}  // namespace

// interruptOn(signals[]): each of these signals becomes a SIGINT to this process
static Napi::Value InterruptOn(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array list = info[0].As<Napi::Array>();
  struct sigaction sa {};
  sa.sa_handler = RaiseSigint;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  for (uint32_t i = 0; i < list.Length(); ++i) {
    int sig = list.Get(i).As<Napi::Number>().Int32Value();
    if (sigaction(sig, &sa, nullptr) != 0) {
      ThrowNative(env, "sigaction failed for signal " + std::to_string(sig), "ESIGNAL");
      return env.Undefined();
    }
  }
  return env.Undefined();
}

void InitSignals(Napi::Env env, Napi::Object exports) {
  exports.Set("interruptOn", Napi::Function::New(env, InterruptOn));
}

}  // namespace mpinapi
