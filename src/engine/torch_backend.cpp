// The LibTorch backend: zoo networks or TorchScript files on CPU or CUDA.
#include "torch_api.h"

#include <dlfcn.h>
#include <malloc.h>
#include <strings.h>
#include <torch/cuda.h>
#include <torch/script.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <fmt/format.h>

#include <cstdlib>
#include <limits>
#include <string_view>
#include <variant>

#include "flop_counter.h"
#include "greenbatch/core/error.h"
#include "greenbatch/engine/precision.h"
#include "torch_int8.h"
#include "zoo/weights.h"
#include "zoo/zoo_net.h"

namespace greenbatch::engine {
namespace {

// The network a backend runs: a zoo module or a TorchScript module.
using Network = std::variant<zoo::ZooNetPtr, torch::jit::Module>;

torch::Device resolve_device(const DeviceSpec& spec) {
  if (!spec.cuda) return torch::kCPU;
  if (!at::globalContext().hasCUDART()) {
    throw UnsupportedError("--device cuda: this LibTorch build (" + torch_version() +
                           ") has no CUDA; use --device cpu, or build greenbatch against a CUDA LibTorch "
                           "(cmake -DCMAKE_PREFIX_PATH=<libtorch>/share/cmake)");
  }
  const auto count = static_cast<int>(torch::cuda::device_count());
  if (spec.index < 0 || spec.index >= count) {
    throw UnsupportedError(
        fmt::format("--device cuda:{}: {} CUDA device(s) visible; check the driver and "
                    "CUDA_VISIBLE_DEVICES",
                    spec.index, count));
  }
  return {torch::kCUDA, static_cast<c10::DeviceIndex>(spec.index)};
}

torch::Tensor first_tensor(const c10::IValue& out, const std::string& label) {
  if (out.isTensor()) return out.toTensor();
  if (out.isTuple() && !out.toTupleRef().elements().empty() && out.toTupleRef().elements()[0].isTensor()) {
    return out.toTupleRef().elements()[0].toTensor();
  }
  throw InputError("model file '" + label +
                   "' returned something other than a tensor (or a tuple starting "
                   "with one); export a module whose forward returns the class scores");
}

torch::ScalarType scalar_type(Precision precision) {
  switch (precision) {
    case Precision::bf16:
      return torch::kBFloat16;
    case Precision::fp16:
      return torch::kHalf;
    case Precision::fp32:
    case Precision::int8:
      break;
  }
  return torch::kFloat;
}

torch::jit::Module load_model_file(const std::filesystem::path& file, const torch::Device& device) {
  if (!std::filesystem::exists(file)) {
    throw InputError("model file '" + file.string() +
                     "' does not exist; pass a TorchScript file saved with "
                     "torch.jit.save(torch.jit.script(model), FILE)");
  }
  torch::jit::Module module;
  try {
    module = torch::jit::load(file.string(), device);
  } catch (const c10::Error& e) {
    throw InputError("model file '" + file.string() + "' is not a readable TorchScript file (" +
                     std::string(e.what_without_backtrace()) + "); save it with torch.jit.save");
  }
  module.eval();
  return module;
}

// Freezes a TorchScript module (constants and batch norms folded) and, on CPU in fp32, applies
// torch.jit.optimize_for_inference: convolutions run on oneDNN with weights reordered once, in
// oneDNN's blocked layout, with their activations fused. Modules that cannot be frozen (e.g. with
// mutable attributes) run as they are.
torch::jit::Module optimize_module(const torch::jit::Module& module, const torch::Device& device, Precision precision) {
  torch::jit::Module frozen;
  try {
    frozen = torch::jit::freeze(module);
  } catch (const c10::Error&) {
    return module;
  }
  if (!device.is_cpu() || precision != Precision::fp32) return frozen;
  return torch::jit::optimize_for_inference(frozen);
}

// Converts the floating-point parameters and buffers of `net` to `dtype`; integer buffers (e.g.
// Swin's relative position index) stay as they are, unlike torch::nn::Module::to(dtype).
void to_dtype(torch::nn::Module& net, torch::ScalarType dtype) {
  torch::NoGradGuard no_grad;
  for (auto& p : net.parameters()) p.set_data(p.to(dtype));
  for (auto& b : net.buffers()) {
    if (b.is_floating_point()) b.set_data(b.to(dtype));
  }
}

// Zoo networks on CPU: every 4-d weight in channels-last order, so that oneDNN convolves NHWC
// activations without reordering them to and from NCHW at each layer (folded convolutions are
// made channels-last by FoldedConv::fold). Measured 1.3-3x faster per batch than NCHW.
void to_channels_last(torch::nn::Module& net) {
  torch::NoGradGuard no_grad;
  for (auto& p : net.parameters()) {
    if (p.dim() == 4) p.set_data(p.contiguous(torch::MemoryFormat::ChannelsLast));
  }
}

// Inference allocates and frees the same large activation buffers every batch. glibc serves
// blocks above its mmap threshold (128 KiB at first) with fresh mmaps, so each batch page-faults
// its activations in again, and it trims the heap top back to the kernel. Raising both thresholds
// keeps freed memory for reuse: up to 2x faster small-batch inference on CPU. Blocks above the
// threshold's ceiling (32 MiB: a batch of 32 has many) would still be mmapped afresh, so mmap is
// not used at all: 1.25-2x more images/s at batch 32 (mobilenet_v2, shufflenet, resnet50) for
// about 7 % more peak memory. Process-wide, once.
void keep_freed_memory() {
  static const bool done = [] {
    constexpr int kMaxMmapThreshold = 32 * 1024 * 1024;  // glibc's ceiling on 64-bit
    mallopt(M_MMAP_THRESHOLD, kMaxMmapThreshold);
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
    return true;
  }();
  (void)done;
}

// LibTorch runs its intra-op work on OpenMP threads (--threads), and OpenBLAS (Debian's BLAS)
// starts its own pool of one thread per core. The pool is sized to the same thread count, unless
// the user set OPENBLAS_NUM_THREADS, so that the two do not oversubscribe the cores. (The CLI also
// makes both pools sleep rather than spin when idle: see cli/idle_threads.h.) Looked up at run
// time: no link-time dependency on OpenBLAS.
void match_blas_threads(int threads) {
  if (std::getenv("OPENBLAS_NUM_THREADS") != nullptr) return;
  using SetThreads = void (*)(int);
  if (auto* set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) set(threads);
}

// Under OMP_WAIT_POLICY=PASSIVE (cli/idle_threads.h) each parallel region wakes the other OpenMP
// threads through the kernel, and the small zoo models run about 100 regions per image. Below about
// 1.3 GFLOP a batch ran faster on one thread than on two here (profile --threads 1 vs 2, images/s,
// no GOMP_SPINCOUNT: with spinning threads two won, e.g. mobilenet_v2 batch 1 at 305):
// shufflenet_v2_x1_0 (0.29 GFLOP/image) batch 1 290 vs 125, batch 4 389 vs 309, batch 8 406 vs 460;
// mobilenet_v2 (0.60) batch 1 200 vs 131, batch 2 228 vs 211, batch 4 239 vs 290; squeezenet1_1
// (0.70) batch 2 194 vs 217; alexnet (1.43) batch 1 35 vs 66; resnet50 (8.2) batch 1 26 vs 39.
constexpr double kOneThreadBelowFlops = 1.3e9;

// True when idle OpenMP threads sleep at once: OMP_WAIT_POLICY=PASSIVE (the CLI's default) and no
// GOMP_SPINCOUNT other than 0.
bool omp_threads_sleep_at_once() {
  const char* policy = std::getenv("OMP_WAIT_POLICY");
  const char* spin = std::getenv("GOMP_SPINCOUNT");
  return policy != nullptr && strcasecmp(policy, "passive") == 0 && (spin == nullptr || std::string_view(spin) == "0");
}

// Sets the OpenMP team size of the calling thread's next parallel regions (an OpenMP setting is
// per thread). Looked up at run time in the OpenMP runtime LibTorch loaded; null where that is not
// libgomp.
using SetOmpThreads = void (*)(int);
SetOmpThreads omp_thread_setter() {
  static const SetOmpThreads setter = [] {
    void* gomp = dlopen("libgomp.so.1", RTLD_NOW | RTLD_NOLOAD);
    return gomp != nullptr ? reinterpret_cast<SetOmpThreads>(dlsym(gomp, "omp_set_num_threads")) : nullptr;
  }();
  return setter;
}

// Returns retained free memory (see keep_freed_memory) to the kernel when destroyed, so that the
// next model's resident memory is its own. Declared first in TorchBackend: destroyed last.
struct TrimOnDestroy {
  TrimOnDestroy() = default;
  TrimOnDestroy(const TrimOnDestroy&) = delete;
  TrimOnDestroy& operator=(const TrimOnDestroy&) = delete;
  ~TrimOnDestroy() { malloc_trim(0); }
};

class TorchBackend final : public Backend {
 public:
  TorchBackend(Network network, BackendInfo info, Preprocessing preprocessing, torch::Device device,
               torch::ScalarType input_type, bool channels_last, std::optional<double> flops_per_image)
      : network_(std::move(network)),
        info_(std::move(info)),
        preprocessing_(preprocessing),
        device_(device),
        input_type_(input_type),
        channels_last_(channels_last),
        flops_per_image_(flops_per_image),
        small_batch_one_thread_(info_.optimized && device_.is_cpu() && info_.threads > 1 && flops_per_image_ &&
                                omp_threads_sleep_at_once() && omp_thread_setter() != nullptr) {}

  [[nodiscard]] BackendInfo info() const override { return info_; }
  [[nodiscard]] Preprocessing preprocessing() const override { return preprocessing_; }
  [[nodiscard]] InputShape input_shape() const override {
    return InputShape{3, preprocessing_.crop, preprocessing_.crop};
  }

  void warm_up(int batch_size, int iterations) override {
    // On CUDA the first batch of each new size cost 50-200 ms more than the next (LibTorch 2.11 on
    // an H200: kernels loaded and cuDNN plans built on first use). A policy that forms every size
    // up to its largest would pay that inside the trial, so each smaller size runs once here too.
    if (device_.is_cuda()) {
      for (int size = cuda_sizes_warmed_ + 1; size < batch_size; ++size) {
        run_discard(ImageBatch::zeros(size, input_shape()));
      }
      cuda_sizes_warmed_ = std::max(cuda_sizes_warmed_, batch_size);
    }
    const auto batch = ImageBatch::zeros(batch_size, input_shape());
    for (int i = 0; i < iterations; ++i) run_discard(batch);
  }

  Scores run(const ImageBatch& batch) override {
    c10::InferenceMode inference;
    const auto logits = forward(batch).to(torch::kCPU).to(torch::kFloat).contiguous();
    Scores scores;
    scores.rows = static_cast<int>(logits.size(0));
    scores.classes = static_cast<int>(logits.numel() / std::max<std::int64_t>(1, logits.size(0)));
    scores.values.assign(logits.data_ptr<float>(), logits.data_ptr<float>() + logits.numel());
    return scores;
  }

  [[nodiscard]] std::optional<double> flops_per_image() override {
    if (!flops_per_image_) {
      const auto batch = ImageBatch::zeros(1, input_shape());
      const FlopCounter counter;
      run_discard(batch);
      flops_per_image_ = counter.flops();
    }
    return flops_per_image_;
  }

  void run_discard(const ImageBatch& batch) override {
    c10::InferenceMode inference;
    (void)forward(batch);
    if (device_.is_cuda()) torch::cuda::synchronize(device_.index());
  }

 private:
  torch::Tensor forward(const ImageBatch& batch) {
    const auto& s = batch.shape;
    if (s != input_shape()) {
      throw InputError(fmt::format("batch of {}x{}x{} images given to {} which expects {}x{}x{}", s.channels, s.height,
                                   s.width, info_.model, 3, preprocessing_.crop, preprocessing_.crop));
    }
    if (small_batch_one_thread_) {
      at::internal::lazy_init_num_threads();  // LibTorch's own first-use setting, before ours
      omp_thread_setter()(*flops_per_image_ * batch.size < kOneThreadBelowFlops ? 1 : info_.threads);
    }
    auto input = torch::from_blob(const_cast<float*>(batch.data.data()), {batch.size, s.channels, s.height, s.width},
                                  torch::kFloat);
    if (device_.is_cuda()) input = input.to(device_);
    if (input_type_ != torch::kFloat) input = input.to(input_type_);
    if (channels_last_) input = input.contiguous(torch::MemoryFormat::ChannelsLast);
    if (auto* zoo_net = std::get_if<zoo::ZooNetPtr>(&network_)) return (*zoo_net)->forward(input);
    auto& module = std::get<torch::jit::Module>(network_);
    return first_tensor(module.forward({input}), info_.model);
  }

  TrimOnDestroy trim_;
  Network network_;
  BackendInfo info_;
  Preprocessing preprocessing_;
  torch::Device device_;
  torch::ScalarType input_type_;  // the network's precision
  bool channels_last_;            // the network expects NHWC-ordered input
  std::optional<double> flops_per_image_;
  int cuda_sizes_warmed_ = 0;    // on CUDA, every batch size up to this one has run
  bool small_batch_one_thread_;  // batches under kOneThreadBelowFlops run on one OpenMP thread
};

}  // namespace

namespace in_plugin {

std::unique_ptr<Backend> make_torch_backend(const TorchOptions& options) {
  keep_freed_memory();
  const auto device = resolve_device(options.device);
  const std::string label = options.model_file ? options.model_file->string() : options.zoo_model;
  if (options.precision == Precision::int8) use_int8_engine(label);
  const int threads = options.threads > 0 ? options.threads : available_cores();
  torch::set_num_threads(threads);
  match_blas_threads(threads);
  const auto dtype = scalar_type(options.precision);

  BackendInfo info;
  info.kind = "torch";
  info.device = device.str();
  info.threads = threads;
  info.library = "libtorch";
  info.library_version = TORCH_VERSION;
  info.precision = to_string(options.precision);
  info.optimized = options.optimize;

  // The zoo model's own preprocessing (an unknown name throws here), or the defaults for a file.
  auto preprocessing = options.model_file ? Preprocessing{} : find_model(options.zoo_model).preprocessing;
  if (options.resize) preprocessing.resize = *options.resize;
  if (options.crop) preprocessing.crop = *options.crop;
  Network network;
  bool channels_last = false;
  std::optional<double> flops;
  if (options.model_file) {
    auto module = load_model_file(*options.model_file, device);
    if (is_quantized(module) != (options.precision == Precision::int8)) {
      throw UnsupportedError(
          options.precision == Precision::int8
              ? "--precision int8 for " + label +
                    ": the file calls no quantized operator; quantize the model in PyTorch (torch.ao.quantization, "
                    "e.g. prepare_fx/convert_fx with the 'onednn' qconfig) and save it with torch.jit.save, or use "
                    "--precision fp32 or bf16"
              : "model file '" + label + "' is quantized (it calls quantized operators); run it with --precision int8");
    }
    if (dtype != torch::kFloat) module.to(dtype);
    // One batch-1 pass at load: a module that cannot run in this precision fails here, naming it,
    // and the FLOPs are counted before the optimised graph replaces aten::convolution.
    try {
      c10::InferenceMode inference;
      const FlopCounter counter;
      const auto input = torch::zeros({1, 3, preprocessing.crop, preprocessing.crop},
                                      torch::TensorOptions().dtype(dtype).device(device));
      (void)first_tensor(module.forward({input}), label);
      flops = counter.flops();
    } catch (const c10::Error& e) {
      throw UnsupportedError(
          fmt::format("model file '{}' does not run in {} on {} ({}); use --precision fp32 or "
                      "check its input size (--crop)",
                      label, info.precision, info.device, e.what_without_backtrace()));
    }
    network = options.optimize ? optimize_module(module, device, options.precision) : module;
    info.model = label;
    info.weights = label;
  } else {
    torch::manual_seed(options.seed);
    auto net = zoo::build_zoo_net(options.zoo_model);
    if (options.weights) {
      zoo::load_torchscript_weights(*net, *options.weights);
      info.weights = options.weights->string();
    } else {
      info.weights = fmt::format("random(seed={})", options.seed);
    }
    net->to(device);
    net->eval();
    // Converted before fusing: folding computes in float and stores in the weights' precision.
    if (dtype != torch::kFloat) to_dtype(*net, dtype);
    if (options.optimize) {
      c10::InferenceMode inference;
      {
        // Counted on the network as built: the rewritten one runs convolutions as oneDNN calls that
        // the counter does not see.
        const FlopCounter counter;
        (void)net->forward(torch::zeros({1, 3, preprocessing.crop, preprocessing.crop},
                                        torch::TensorOptions().dtype(dtype).device(device)));
        flops = counter.flops();
      }
      net->fuse_for_inference();
      to_channels_last(*net);
      channels_last = true;
      if (options.precision == Precision::int8) quantize_zoo_net(*net, options.zoo_model, preprocessing);
    }
    network = net;
    info.model = options.zoo_model;
  }
  return std::make_unique<TorchBackend>(std::move(network), std::move(info), preprocessing, device, dtype,
                                        channels_last, flops);
}

}  // namespace in_plugin

}  // namespace greenbatch::engine
