// crc32(bytes) -> the CRC-32 of zlib (and of Node's zlib.crc32): polynomial 0xEDB88320,
// reflected, initial and final value 0xFFFFFFFF. Ranks check the header of the rank
// program's code cache with it (src/runtime/code-cache.ts): they load this binding
// anyway, and node:zlib took 2-4 ms to load in each of them. Slicing-by-8: 8 tables of
// 256 entries, 8 bytes a step; a code cache (~0.2 MB) takes well under a millisecond.
#include "common.h"

namespace mpinapi {

namespace {

struct Tables {
  uint32_t t[8][256];
  Tables() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
      t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i)
      for (int s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
  }
};

uint32_t Crc32(const unsigned char* p, size_t n) {
  static const Tables tables;
  const auto& t = tables.t;
  uint32_t c = 0xFFFFFFFFu;
  for (; n >= 8; p += 8, n -= 8) {
    // bytes in file order, whatever the host's byte order
    uint32_t lo = c ^ (uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24);
    c = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^ t[3][p[4]] ^ t[2][p[5]] ^
        t[1][p[6]] ^ t[0][p[7]];
  }
  for (; n > 0; ++p, --n) c = (c >> 8) ^ t[0][(c ^ *p) & 0xff];
  return c ^ 0xFFFFFFFFu;
}

Napi::Value Crc32Fn(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes b;
  if (!ToBytes(env, info[0], &b, "data")) return env.Undefined();
  return Napi::Number::New(env, Crc32(reinterpret_cast<const unsigned char*>(b.data), b.length));
}

}  // namespace

void InitCrc32(Napi::Env env, Napi::Object exports) { exports.Set("crc32", Napi::Function::New(env, Crc32Fn)); }

}  // namespace mpinapi
