// The one libm function fmt's float code calls. Kernel build only, compiled
// with SSE beside format_fpu.cpp and likewise reached only inside an FPU scope.
#if AMPHI_KERNEL
extern "C" double ceil(double x) {
  // Values at or beyond 2^52 are already integral.
  if (!(x < 4503599627370496.0 && x > -4503599627370496.0)) return x;
  double truncated = static_cast<double>(static_cast<long long>(x));
  return truncated < x ? truncated + 1.0 : truncated;
}
#endif
