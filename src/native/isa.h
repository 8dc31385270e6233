// The instruction set a kernel runs with, asked of the CPU at run time: the binding is
// built on one machine and may run on another of a cluster, so no -march flag is used.
// Each kernel is compiled three times (AVX-512, AVX2+FMA, the compiler's baseline) and
// picks one of them here. An environment variable (e.g. DND_REDUCE_ISA, DND_RANDOM_ISA)
// set to `avx2` or `base` forces a lesser one, so the tests can compare every path.
#pragma once
#include <cstdlib>
#include <cstring>

namespace dndisa {

enum class Isa { kAvx512, kAvx2, kBase };

inline Isa DetectIsa(const char* env_name) {
  const char* want = std::getenv(env_name);
  if (want && std::strcmp(want, "base") == 0) return Isa::kBase;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (want && std::strcmp(want, "avx2") == 0) return avx2 ? Isa::kAvx2 : Isa::kBase;
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512bw"))
    return Isa::kAvx512;
  if (avx2) return Isa::kAvx2;
#endif
  return Isa::kBase;  // other CPUs (e.g. aarch64): the compiler's own vectorisation
}

inline const char* IsaName(Isa isa) { return isa == Isa::kAvx512 ? "avx512" : isa == Isa::kAvx2 ? "avx2" : "base"; }

}  // namespace dndisa
