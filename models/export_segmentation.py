"""torchvision's own segmentation heads on a small backbone, to test the heads users attach to mobile networks.

- DeepLabHead (DeepLabv3): ASPP with atrous rates 12, 24 and 36 and image pooling, on the 1/16 map, 128 channels. On a
  20 x 20 map every off-centre tap of rates 24 and 36 reads only padding and the compiler drops them (DropPaddingTaps);
  rate 12 keeps its nine taps, most of whose reads are padding, and runs one GEMM per tap (TapwiseConvolution).
- LRASPPHead (LR-ASPP, MobileNetV3's segmentation head): a sigmoid-gated 1/16 branch upsampled to 1/8 and added to a
  classifier of the 1/8 map.

Both heads read the same four-convolution backbone (1/2, 1/4, 1/8, 1/16) and are upsampled to the input size with
bilinear interpolation as torchvision's segmentation models do; the network has two outputs, `deeplab` and `lraspp`,
[1, 3, 320, 320] each. Random weights (seeded), BatchNorm statistics perturbed; input ~U(-1, 1); outputs are PyTorch's
eval() outputs for it. Opset 17:

    apt-get install python3-torch python3-onnx python3-torchvision
    /usr/bin/python3 models/export_segmentation.py     # writes models/segmentation/*.onnx, *.bin
"""
import os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.models.segmentation.deeplabv3 import DeepLabHead
from torchvision.models.segmentation.lraspp import LRASPPHead

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "segmentation")


def conv_bn(cin, cout, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.Hardswish())


class TwoHeads(nn.Module):
    def __init__(self, classes=3):
        super().__init__()
        self.stages = nn.Sequential(conv_bn(3, 16, 2), conv_bn(16, 16, 2), conv_bn(16, 16, 2))  # 1/8, 16 channels
        self.last = conv_bn(16, 128, 2)                                                        # 1/16, 128 channels
        self.deeplab = DeepLabHead(128, classes)
        self.lraspp = LRASPPHead(16, 128, classes, 64)

    def forward(self, x):
        size = x.shape[-2:]
        low = self.stages(x)
        high = self.last(low)
        deeplab = F.interpolate(self.deeplab(high), size=size, mode="bilinear", align_corners=False)
        lraspp = F.interpolate(self.lraspp({"low": low, "high": high}), size=size, mode="bilinear", align_corners=False)
        return deeplab, lraspp


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(11)
    model = TwoHeads().eval()
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.running_mean.uniform_(-0.2, 0.2)
            module.running_var.uniform_(0.5, 1.5)
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.normal_(0, 0.1)
    x = torch.rand(1, 3, 320, 320, generator=torch.Generator().manual_seed(11)) * 2 - 1
    with torch.no_grad():
        deeplab, lraspp = model(x)
    x.numpy().astype(np.float32).tofile(os.path.join(OUT, "segmentation_heads.input.bin"))
    deeplab.numpy().astype(np.float32).tofile(os.path.join(OUT, "segmentation_heads.deeplab.output.bin"))
    lraspp.numpy().astype(np.float32).tofile(os.path.join(OUT, "segmentation_heads.lraspp.output.bin"))
    path = os.path.join(OUT, "segmentation_heads_opset17.onnx")
    torch.onnx.export(model, x, path, opset_version=17, input_names=["input"], output_names=["deeplab", "lraspp"],
                      do_constant_folding=True)
    print(f"{path}: {os.path.getsize(path):,} bytes; |deeplab| max {deeplab.abs().max().item():.3g}, "
          f"|lraspp| max {lraspp.abs().max().item():.3g}")


if __name__ == "__main__":
    main()
