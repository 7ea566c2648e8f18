"""Milliseconds per forward and backward pass of single convolutions of the ResNet-18 stages at 32x32, as oneDNN's
convolution (`nn.Conv2d`) and as matrix products (`model.Conv2dMatmul` with no pixel limit), side by side:
where `Conv2dMatmul.max_pixels` comes from. Run it alone, nothing else on the cores.
    python research/conv_speed.py [--threads 2] [--precision bf16|fp32] [--repeats 6]"""
import argparse, copy, time, torch, torch.nn as nn
from cifake_nb.model import Conv2dMatmul

CASES = [  # (batch, in channels, map size, out channels, stride, where)
    (256, 512, 2, 512, 1, "cifar_s2 layer4 3x3"), (256, 256, 4, 512, 2, "cifar_s2 layer4's first 3x3, stride 2"),
    (512, 256, 2, 256, 1, "stock stem layer3 3x3"), (256, 256, 4, 256, 1, "cifar_s2 layer3 3x3 (4x4 out)"),
    (256, 128, 8, 128, 1, "cifar_s2 layer2 3x3 (8x8 out)")]

def ms_per_pass(conv, x, bf16:bool, repeats:int)->float:
    "Milliseconds of one forward and backward pass of `conv` on `x`, after two warm-up passes."
    def one():
        with torch.autocast('cpu', torch.bfloat16, enabled=bf16): y = conv(x)
        y.float().square().mean().backward()
    for _ in range(2): one()
    t0 = time.perf_counter()
    for _ in range(repeats): one()
    return (time.perf_counter() - t0) / repeats * 1000

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--threads', type=int, default=2); ap.add_argument('--precision', default='bf16', choices=['bf16', 'fp32'])
    ap.add_argument('--repeats', type=int, default=6)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    print('| convolution | batch x channels x map | out | conv ms | matmul ms | conv / matmul |\n|---|---|---|---|---|---|')
    for bs, cin, size, cout, stride, where in CASES:
        conv = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        mm = copy.deepcopy(conv); mm.__class__ = Conv2dMatmul; mm.max_pixels = size * size   # every map as matrix products
        x = torch.randn(bs, cin, size, size).to(memory_format=torch.channels_last).requires_grad_()
        out = mm.out_size(x)
        t_conv, t_mm = (ms_per_pass(c, x, a.precision == 'bf16', a.repeats) for c in (conv, mm))
        print(f'| {where} | {bs}x{cin}x{size}x{size} | {out[0]}x{out[1]} | {t_conv:.1f} | {t_mm:.1f} | {t_conv / t_mm:.2f} |', flush=True)
