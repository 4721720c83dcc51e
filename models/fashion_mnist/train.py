"""Train a small MobileViT on Fashion-MNIST (CPU, fixed seeds) and export it to ONNX.

Run from the repository root with Debian's python (torch 1.13, onnx 1.12):

    apt-get install -y python3-torch python3-onnx dataset-fashion-mnist
    nice -n 19 /usr/bin/python3 -u models/fashion_mnist/train.py 2>&1 | tee models/fashion_mnist/train.log

Writes next to this file:
  fashion_mnist_mobilevit.onnx   the trained model, opset 17, input "input" [1,1,28,28], output "logits" [1,10]
  pytorch_predictions.bin        PyTorch's top-1 class for each of the 10,000 test images, one byte each, in file order
  pytorch_results.json           PyTorch's test accuracy, the normalization, the architecture and training settings

Input normalization (the C# side must apply exactly this):
    x = (pixel / 255 - MEAN) / STD    with MEAN = 0.2860, STD = 0.3530
(the per-pixel mean and standard deviation of the 60,000 training images, rounded to 4 digits).

Architecture, input 1x28x28 (the paper's MV2 and MobileViT blocks, imported from ../mobilevit_v1.py):
  stem    3x3 conv s2, padding 3, BN, SiLU                 -> 16 @ 16x16  (padding 3 makes 28 behave like 32: no Pad op)
  layer1  MV2(s1)                                          -> 24 @ 16x16
  layer2  MobileViT(d=32, L=1, 2 heads, 2x2 patches)       -> 24 @ 16x16  (8x8 = 64 patches)
  layer3  MV2(s2), MobileViT(d=64, L=2, 4 heads, 2x2 patches) -> 48 @ 8x8 (4x4 = 16 patches)
  exp     1x1 conv, BN, SiLU                               -> 128 @ 8x8
  head    global average pool, dropout, Linear(128 -> 10)
The transformer stages thus see feature maps of 16x16 and 8x8, i.e. 8x8 and 4x4 patches of 2x2 pixels.
The sizes were chosen so that training fits in half an hour on two cores (the committed run: 27 CPU-minutes).

Speed: Debian's python3-torch calls the reference BLAS (libblas3), which makes training about 3x slower than
OpenBLAS. Either install libopenblas0-openmp (switches the system's libblas.so.3), or unpack it for this run only:
    apt-get download libopenblas0-openmp && dpkg -x libopenblas0-openmp_*.deb /tmp/openblas
    LD_LIBRARY_PATH=/tmp/openblas/usr/lib/x86_64-linux-gnu/openblas-openmp nice -n 19 /usr/bin/python3 ...
The BLAS changes rounding, so a rerun gives a slightly different (equally good) model; the committed files are
the reference.
"""

import argparse
import gzip
import json
import math
import os
import sys
import time
import warnings

# On a shared machine, OpenMP threads that spin while waiting burn the other users' CPU; must be set before torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # models/, for mobilevit_v1.py
from mobilevit_v1 import InvertedResidual, MobileViTBlock, conv_bn_act  # noqa: E402

DATA_DIR = "/usr/share/datasets/fashion-mnist"
MEAN = 0.2860
STD = 0.3530
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
SEED = 20240607
ONNX_FILE = "fashion_mnist_mobilevit.onnx"
PREDICTIONS_FILE = "pytorch_predictions.bin"
RESULTS_FILE = "pytorch_results.json"


class FashionMobileViT(nn.Module):
    def __init__(self, num_classes: int = 10, expansion: int = 2):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, 2, padding=3, bias=False), nn.BatchNorm2d(16), nn.SiLU())
        self.layer1 = nn.Sequential(InvertedResidual(16, 24, 1, expansion))
        self.layer2 = nn.Sequential(MobileViTBlock(24, 32, depth=1, patch=(2, 2), num_heads=2, ffn_mult=2))
        self.layer3 = nn.Sequential(
            InvertedResidual(24, 48, 2, expansion),
            MobileViTBlock(48, 64, depth=2, patch=(2, 2), num_heads=4, ffn_mult=2),
        )
        self.conv_exp = conv_bn_act(48, 128, 1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(128, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        x = self.layer1(x)
        x = self.layer2(x)
        x = self.layer3(x)
        x = self.conv_exp(x)
        x = torch.flatten(self.pool(x), 1)
        return self.classifier(self.dropout(x))


def read_idx(path: str) -> np.ndarray:
    """IDX file (optionally gzipped): big-endian magic (0, 0, type 0x08 = ubyte, rank), rank int32 sizes, data."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    assert raw[0] == 0 and raw[1] == 0 and raw[2] == 0x08, f"{path}: not an unsigned-byte IDX file"
    rank = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(shape)


def load(data_dir: str, split: str):
    images = read_idx(os.path.join(data_dir, f"{split}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, f"{split}-labels-idx1-ubyte.gz"))
    return images, labels


def normalize(images_uint8: torch.Tensor) -> torch.Tensor:
    """[N,28,28] bytes -> [N,1,28,28] float32, x = (pixel / 255 - MEAN) / STD (the same formula the C# sample uses)."""
    x = images_uint8.to(torch.float32).unsqueeze(1) / 255.0
    return (x - MEAN) / STD


def augment(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Random horizontal flip and a random shift of up to 2 pixels (zero-padded, in normalized units)."""
    n = x.shape[0]
    flip = torch.rand(n, generator=generator) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    background = (0.0 - MEAN) / STD
    padded = F.pad(x, (2, 2, 2, 2), value=background)
    dy, dx = torch.randint(0, 5, (2,), generator=generator).tolist()  # one shift per batch keeps it cheap
    return padded[:, :, dy:dy + 28, dx:dx + 28]


def blas_library() -> str:
    """The BLAS this process loaded (the reference libblas makes training ~3x slower than OpenBLAS)."""
    with open("/proc/self/maps") as f:
        names = {os.path.basename(line.split()[-1]) for line in f if "blas" in line}
    return ", ".join(sorted(names)) or "unknown"


@torch.no_grad()
def predict(model: nn.Module, x: torch.Tensor, batch: int = 500) -> torch.Tensor:
    model.eval()
    return torch.cat([model(x[i:i + batch]).argmax(1) for i in range(0, x.shape[0], batch)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=DATA_DIR)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="train on only this many images (smoke test)")
    parser.add_argument("--out", default=HERE)
    args = parser.parse_args()

    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.set_num_threads(args.threads)
    generator = torch.Generator().manual_seed(SEED)

    train_images, train_labels = load(args.data, "train")
    test_images, test_labels = load(args.data, "t10k")
    print(f"train {train_images.shape}, test {test_images.shape}; "
          f"train pixel mean {train_images.mean() / 255:.4f}, std {(train_images / 255).std():.4f} "
          f"(using MEAN={MEAN}, STD={STD})", flush=True)
    if args.limit:
        train_images, train_labels = train_images[:args.limit], train_labels[:args.limit]

    x_train = normalize(torch.from_numpy(train_images.copy()))
    y_train = torch.from_numpy(train_labels.astype(np.int64))
    x_test = normalize(torch.from_numpy(test_images.copy()))
    y_test = torch.from_numpy(test_labels.astype(np.int64))

    model = FashionMobileViT()
    parameters = sum(p.numel() for p in model.parameters())
    print(f"model: {parameters:,} parameters; torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"BLAS {blas_library()}", flush=True)

    steps_per_epoch = math.ceil(x_train.shape[0] / args.batch)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.05)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr, epochs=args.epochs,
                                                   steps_per_epoch=steps_per_epoch, pct_start=0.15)
    loss_function = nn.CrossEntropyLoss(label_smoothing=0.1)

    start, start_cpu = time.time(), time.process_time()
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = torch.randperm(x_train.shape[0], generator=generator)
        total_loss, correct, seen = 0.0, 0, 0
        for step in range(steps_per_epoch):
            index = order[step * args.batch:(step + 1) * args.batch]
            x, y = augment(x_train[index], generator), y_train[index]
            logits = model(x)
            loss = loss_function(logits, y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            total_loss += loss.item() * y.shape[0]
            correct += (logits.argmax(1) == y).sum().item()
            seen += y.shape[0]
            if (step + 1) % 100 == 0:
                print(f"  epoch {epoch} step {step + 1}/{steps_per_epoch}: loss {total_loss / seen:.4f}, "
                      f"train acc {correct / seen:.4f}, {time.time() - start:.0f} s", flush=True)
        test_accuracy = (predict(model, x_test) == y_test).float().mean().item()
        print(f"epoch {epoch}/{args.epochs}: loss {total_loss / seen:.4f}, train acc {correct / seen:.4f}, "
              f"test acc {test_accuracy:.4f}, {time.time() - start:.0f} s", flush=True)
    training_seconds, training_cpu_seconds = time.time() - start, time.process_time() - start_cpu

    model.eval()
    predictions = predict(model, x_test)
    test_accuracy = (predictions == y_test).float().mean().item()
    print(f"final PyTorch test accuracy {test_accuracy:.4f} ({int((predictions == y_test).sum())}/10000), "
          f"training {training_seconds / 60:.1f} min wall, {training_cpu_seconds / 60:.1f} min CPU", flush=True)

    os.makedirs(args.out, exist_ok=True)
    predictions.to(torch.uint8).numpy().tofile(os.path.join(args.out, PREDICTIONS_FILE))

    onnx_path = os.path.join(args.out, ONNX_FILE)
    # The unfolding's size arithmetic becomes constants in the trace, which is what we want for a fixed 28x28 input.
    warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
    torch.onnx.export(model, (x_test[:1],), onnx_path, opset_version=17, input_names=["input"],
                      output_names=["logits"], do_constant_folding=True, export_params=True,
                      training=torch.onnx.TrainingMode.EVAL)
    import onnx
    onnx_model = onnx.load(onnx_path)
    onnx.checker.check_model(onnx_model)
    ops = sorted({node.op_type for node in onnx_model.graph.node})
    print(f"exported {onnx_path}: {os.path.getsize(onnx_path):,} bytes, ops {ops}", flush=True)

    results = {
        "onnx": ONNX_FILE,
        "input": {"name": "input", "shape": [1, 1, 28, 28]},
        "output": {"name": "logits", "shape": [1, 10]},
        "normalization": {"formula": "(pixel / 255 - mean) / std", "mean": MEAN, "std": STD},
        "classes": CLASSES,
        "pytorch_test_accuracy": round(test_accuracy, 6),
        "pytorch_test_correct": int((predictions == y_test).sum()),
        "predictions": {"file": PREDICTIONS_FILE, "format": "10,000 bytes, class index per test image in t10k order"},
        "parameters": parameters,
        "training": {"epochs": args.epochs, "batch": args.batch, "max_lr": args.lr, "optimizer": "AdamW wd 0.05",
                     "schedule": "OneCycle, 15% warm-up", "label_smoothing": 0.1,
                     "augmentation": "horizontal flip, shift up to 2 px", "seed": SEED,
                     "threads": args.threads, "wall_seconds": round(training_seconds),
                     "cpu_seconds": round(training_cpu_seconds), "torch": torch.__version__, "blas": blas_library()},
    }
    with open(os.path.join(args.out, RESULTS_FILE), "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
