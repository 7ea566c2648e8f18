"""Do fakes from a small GAN that the project trains itself teach transfer? A DCGAN (transposed-convolution generator,
the design of the trainable set's DCGAN/WGAN/SN-GAN 'cnn' generators) is trained for `--minutes` on CIFAKE's real
train images, 10,000 of its samples join the training fakes, and the study's detector (the 'study' preset, 3
epochs, on 20,000 CIFAKE train images, balanced by generator) is trained with and without them, side by side; both
are scored as `transfer_study` scores its rows: CIFAKE test, every generator of --gen32 (none of them trained on),
--external. Writes a grid of the GAN's samples beside the figures. Run it alone (heavy: 16 minutes on 2 cores).
    python research/gan_probe.py --gen32 GEN32_DIR --external EXTERNAL_DIR [--minutes 8] [--out runs/gan_probe]"""
import argparse, json, sys, time, torch, pandas as pd, torch.nn as nn, torch.nn.functional as F, torchvision
from pathlib import Path
from cifake_nb.data import REAL, FAKE, DataError, get_cifake
from cifake_nb.decode import pixel_hashes
from cifake_nb.images import ImageSet, load_split, stratified_subset, load_image_folder, with_generator
from cifake_nb.config import make_config
from cifake_nb.train import fit
from cifake_nb.transfer import CIFAKE_GEN, training_set, study_row, generator_table

Z = 100

def dcgan(width:int=64)->tuple:
    "A DCGAN generator (noise -> 4x4 -> 32x32 by transposed convolutions, tanh) and its discriminator."
    up = lambda ci, co: [nn.ConvTranspose2d(ci, co, 4, 2, 1, bias=False), nn.BatchNorm2d(co), nn.ReLU(True)]
    down = lambda ci, co, bn=True: [nn.Conv2d(ci, co, 4, 2, 1, bias=not bn), *([nn.BatchNorm2d(co)] if bn else []), nn.LeakyReLU(0.2, True)]
    G = nn.Sequential(nn.ConvTranspose2d(Z, 4 * width, 4, 1, 0, bias=False), nn.BatchNorm2d(4 * width), nn.ReLU(True),
                      *up(4 * width, 2 * width), *up(2 * width, width), nn.ConvTranspose2d(width, 3, 4, 2, 1), nn.Tanh())
    D = nn.Sequential(*down(3, width, False), *down(width, 2 * width), *down(2 * width, 4 * width), nn.Conv2d(4 * width, 1, 4, 1, 0), nn.Flatten())
    return G.to(memory_format=torch.channels_last), D.to(memory_format=torch.channels_last)

def train_gan(x:torch.Tensor, minutes:float, bs:int=128, seed:int=0)->tuple:
    """A DCGAN trained on the uint8 images `x` for `minutes` (non-saturating loss, Adam 2e-4, flips); (G, steps).
    float32: under bf16 autocast a forward and backward pass of both networks at batch 128 took 10.1 s, not 0.34 s, on a CPU
    without native bf16 (AVX2 only), where bf16 is emulated."""
    torch.manual_seed(seed)
    G, D = dcgan()
    oG, oD = (torch.optim.Adam(m.parameters(), 2e-4, betas=(0.5, 0.999)) for m in (G, D))
    t0, step = time.time(), 0
    while time.time() - t0 < minutes * 60:
        real = (x[torch.randint(len(x), (bs,))].float() / 127.5 - 1).contiguous(memory_format=torch.channels_last)
        real = torch.where(torch.rand(bs, 1, 1, 1) < 0.5, real, real.flip(3))
        fake = G(torch.randn(bs, Z, 1, 1))
        loss_d = F.softplus(-D(real)).mean() + F.softplus(D(fake.detach())).mean()
        oD.zero_grad(); loss_d.backward(); oD.step()
        loss_g = F.softplus(-D(fake)).mean()
        oG.zero_grad(); loss_g.backward(); oG.step()
        step += 1
    return G.eval(), step

@torch.no_grad()
def samples(G:nn.Module, n:int, bs:int=500)->torch.Tensor:
    "`n` uint8 samples of the generator `G`."
    return torch.cat([((G(torch.randn(bs, Z, 1, 1)) + 1) * 127.5).round().clamp(0, 255).to(torch.uint8) for _ in range(-(-n // bs))])[:n]

def as_fakes(x:torch.Tensor, name:str)->ImageSet:
    "uint8 images `x` as an ImageSet of FAKE images of generator `name`."
    n = len(x)
    return with_generator(ImageSet(x, torch.full((n,), FAKE), torch.zeros(n, dtype=torch.long), [f'{name}_{i}' for i in range(n)], pixel_hashes(x)), name)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', default='kaggle'); ap.add_argument('--gen32', type=Path, required=True); ap.add_argument('--external', type=Path)
    ap.add_argument('--minutes', type=float, default=8); ap.add_argument('--threads', type=int, default=2); ap.add_argument('--out', type=Path, default=Path('runs/gan_probe'))
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    try:                                  # the small folders first: a wrong path fails before CIFAKE is read
        gen = load_image_folder(a.gen32, progress=False); gen = gen.subset(gen.y == FAKE)
        ext = load_image_folder(a.external, progress=False) if a.external else None
        root = get_cifake(a.data); train = load_split(root, 'train', progress=False); test = load_split(root, 'test', progress=False)
    except DataError as e: sys.exit(f'gan_probe: error: {e}')
    a.out.mkdir(parents=True, exist_ok=True)
    t0 = time.time(); G, steps = train_gan(train.x[train.y == REAL], a.minutes)
    fakes = as_fakes(samples(G, 10000), 'own_dcgan')
    print(f'DCGAN: {steps} steps of 128 in {time.time() - t0:.0f} s', flush=True)
    torchvision.utils.save_image(fakes.x[:64].float() / 255, a.out/'dcgan_samples.png', nrow=8)
    base = {'cifake': with_generator(stratified_subset(train, n=20000, seed=0), CIFAKE_GEN)}
    rows, tabs = {}, {}
    for name, src in {'CIFAKE only': base, '+ own DCGAN fakes': base | {'gan': fakes}}.items():
        r = fit(make_config('study', threads=a.threads), *training_set(src), progress=False)
        rows[name] = study_row(r.model, r.threshold, test, gen, ext)
        tabs[name] = generator_table(r.model, gen, test, r.threshold).roc_auc
    summary, per_gen = pd.DataFrame.from_dict(rows, orient='index'), pd.DataFrame(tabs)
    print(summary.round(4).to_markdown(), '\n\nROC-AUC per generator of --gen32 (as it is):\n', per_gen.round(3).to_markdown(), sep='')
    (a.out/'metrics.json').write_text(json.dumps({'dcgan_steps': steps, 'summary': summary.to_dict('index'), 'per_generator': per_gen.to_dict()}, indent=1, default=float))
