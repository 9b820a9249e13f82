#pragma once
// Internal to knobs: the GPU power limit and locked clocks through NVML, loaded at run time.

#include <memory>
#include <string>

namespace greenbatch::knobs {

// An inclusive range of allowed values.
struct Range {
  unsigned min = 0;
  unsigned max = 0;
};

// NVML opened for the knobs; shut down and unloaded when destroyed. Not thread-safe.
class NvmlKnobs {
 public:
  // Loads `library` and initialises NVML; null with `reason` (and the fix) when it cannot.
  static std::unique_ptr<NvmlKnobs> open(const std::string& library, std::string& reason);
  ~NvmlKnobs();
  NvmlKnobs(const NvmlKnobs&) = delete;
  NvmlKnobs& operator=(const NvmlKnobs&) = delete;

  // How many GPUs NVML reports.
  [[nodiscard]] unsigned count() const;
  // The power-management limit, mW. Throws UnsupportedError when NVML refuses.
  [[nodiscard]] unsigned power_limit_mw(unsigned gpu) const;
  // The allowed power-management limits, mW.
  [[nodiscard]] Range power_limit_range_mw(unsigned gpu) const;
  // Sets the power-management limit, mW (needs root).
  void set_power_limit_mw(unsigned gpu, unsigned mw) const;
  // The supported graphics clocks at the highest memory clock, MHz.
  [[nodiscard]] Range clock_range_mhz(unsigned gpu) const;
  // Locks the graphics clock to `mhz` (min = max; needs root).
  void lock_clocks_mhz(unsigned gpu, unsigned mhz) const;
  // Lets the driver choose the graphics clock again.
  void reset_clocks(unsigned gpu) const;

 private:
  struct Library;
  explicit NvmlKnobs(std::unique_ptr<Library> library);
  std::unique_ptr<Library> library_;
};

}  // namespace greenbatch::knobs
