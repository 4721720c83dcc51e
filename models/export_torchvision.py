"""MobileNets exactly as torchvision builds them, to test another code base's graphs rather than our own modules.

The family models (models/families) come from this repository's own module definitions; these two come from
torchvision's, so the exported graph is what a user of torchvision.models gets: its Conv2dNormActivation blocks,
SqueezeExcitation via adaptive_avg_pool2d + hardsigmoid, Hardswish, Dropout + Linear classifier, torch.flatten.
Narrow widths and 10 classes keep the files small enough to commit:

- tv_mobilenet_v3_small_050_dilated_opset13.onnx: mobilenet_v3_small(width_mult=0.5, dilated=True), the
  segmentation-backbone configuration (last stage at stride 1 with dilation 2), opset 13 (Hardswish and
  HardSigmoid exported as their own ops from opset 14 only).
- tv_mobilenet_v2_050_opset17.onnx: mobilenet_v2(width_mult=0.5), opset 17.

Random weights (torchvision's init, seeded; the Linear layers PyTorch's default, whose logits are not near zero),
BatchNorm running statistics perturbed so that folding them matters;
inputs ~U(-1, 1) at 224 x 224; outputs are PyTorch's eval() outputs for them.

    apt-get install python3-torch python3-onnx python3-torchvision
    /usr/bin/python3 models/export_torchvision.py     # writes models/torchvision/*.onnx, *.input.bin, *.output.bin
"""
import os
import numpy as np
import torch
import torchvision

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torchvision")

CASES = [
    ("tv_mobilenet_v3_small_050_dilated", lambda: torchvision.models.mobilenet_v3_small(width_mult=0.5, dilated=True, num_classes=10), 13),
    ("tv_mobilenet_v2_050", lambda: torchvision.models.mobilenet_v2(width_mult=0.5, num_classes=10), 17),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    for index, (name, build, opset) in enumerate(CASES):
        torch.manual_seed(1000 + index)
        model = build().eval()
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.2, 0.2)
                module.running_var.uniform_(0.5, 1.5)
                module.weight.data.uniform_(0.5, 1.5)
                module.bias.data.normal_(0, 0.1)
            if isinstance(module, torch.nn.Linear):
                module.reset_parameters()  # torchvision's N(0, 0.01) init leaves logits near 1e-3
        x = torch.rand(1, 3, 224, 224, generator=torch.Generator().manual_seed(index)) * 2 - 1
        with torch.no_grad():
            y = model(x)
        path = os.path.join(OUT, f"{name}_opset{opset}.onnx")
        torch.onnx.export(model, x, path, opset_version=opset, input_names=["input"], output_names=["logits"],
                          do_constant_folding=True)
        x.numpy().astype(np.float32).tofile(os.path.join(OUT, name + ".input.bin"))
        y.numpy().astype(np.float32).tofile(os.path.join(OUT, name + ".output.bin"))
        print(f"{path}: {os.path.getsize(path):,} bytes, logits {tuple(y.shape)}, |y| max {y.abs().max().item():.3g}")


if __name__ == "__main__":
    main()
