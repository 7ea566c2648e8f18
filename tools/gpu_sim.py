"""Run notebooks as Colab runs them on a T4, on a machine without a GPU, and fail on every device mistake.

    python tools/gpu_sim.py [NOTEBOOK ...]     # default: every numbered notebook; prints 'gpu-sim: N passed, M failed'

Inside `simulated_cuda()` torch sees one CUDA GPU of compute capability 7.5 (a T4: `amp='auto'` picks float16 with a
gradient scaler). Tensors and modules moved to 'cuda' stay on the CPU but are tagged as CUDA tensors: their `.device`
says cuda:0, and, as on a real GPU, an operation that mixes them with CPU tensors raises "Expected all tensors to be on
the same device", and `.numpy()` on one raises "can't convert cuda:0 device type tensor to numpy". A notebook cell
that feeds a CPU tensor to a model on the GPU, or reads a GPU result with numpy, fails here as it fails in Colab.
What it cannot show: speed, and numerics of GPU kernels (the arithmetic runs on the CPU in float32: autocast to
float16 is disabled without a real GPU, while the gradient scaler runs).
"""
import contextlib, copy, re, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest import mock
import torch
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_flatten, tree_map

CUDA = torch.device('cuda', 0)
REPO = Path(__file__).resolve().parents[1]


class SimCUDATensor(torch.Tensor):
    "A CPU tensor that behaves, for every device check, as if it lived on a CUDA GPU."
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func == torch.Tensor.device.__get__: return CUDA
        if func == torch.Tensor.is_cuda.__get__: return True
        if func is torch.Tensor.numpy:
            raise TypeError("can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to copy the tensor to host memory first.")
        if func is torch.Tensor.cpu: return _plain(args[0])
        if func is torch.Tensor.to and _device_type(args[1:], kwargs) == 'cpu':
            with torch._C.DisableTorchFunctionSubclass(): return _plain(func(_plain(args[0]), *args[1:], **kwargs))
        if func is torch.Tensor.__reduce_ex__: return _plain(args[0]).__reduce_ex__(*args[1:])   # saved as a CPU tensor
        if func is torch.Tensor.__deepcopy__:                                  # a copy stays on the GPU
            return _tag(copy.deepcopy(_plain(args[0]).detach(), *args[1:]).requires_grad_(args[0].requires_grad))
        if func not in _NO_DATA: _check_one_device(args, kwargs)
        with torch._C.DisableTorchFunctionSubclass(): out = func(*args, **kwargs)
        return _tag(out)


_NO_DATA = {torch._has_compatible_shallow_copy_type}     # they compare tensors' kinds, not their data


def _plain(t): return t.as_subclass(torch.Tensor) if isinstance(t, SimCUDATensor) else t
def _tag(o): return tree_map(lambda t: t.as_subclass(SimCUDATensor) if isinstance(t, torch.Tensor) and not isinstance(t, SimCUDATensor) else t, o)
def _is_cuda(x): return isinstance(x, torch.device) and x.type == 'cuda' or isinstance(x, str) and (x == 'cuda' or x.startswith('cuda:'))
def _uncuda(o): return tree_map(lambda x: 'cpu' if _is_cuda(x) else x, o)


def _device_type(args, kwargs):
    "The device type an argument list of `Tensor.to` names, or None."
    for a in [*args, kwargs.get('device')]:
        if isinstance(a, (str, torch.device)): return torch.device(a).type
    return None


def _check_one_device(args, kwargs):
    "Raise as CUDA does when CUDA tensors meet CPU tensors (other than 0-d ones) in one operation."
    ts = [t for t in tree_flatten((args, kwargs))[0] if isinstance(t, torch.Tensor)]
    if any(isinstance(t, SimCUDATensor) for t in ts) and any(not isinstance(t, SimCUDATensor) and t.dim() > 0 for t in ts):
        raise RuntimeError('Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!')


class _ToSimCUDA(TorchFunctionMode):
    "Tensors moved to or created on 'cuda' become `SimCUDATensor`s; pinned memory is a no-op."
    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func is torch.device or func is torch._C._nn._parse_to: return func(*args, **kwargs)   # names, not data
        if func is torch.Tensor.pin_memory: return args[0]
        if func is torch.Tensor.cuda: return _tag(_plain(args[0]))
        if any(_is_cuda(x) for x in tree_flatten((args, kwargs))[0]): return _tag(func(*_uncuda(args), **_uncuda(kwargs)))
        return func(*args, **kwargs)


@contextlib.contextmanager
def simulated_cuda(capability=(7, 5), name='Tesla T4 (simulated)'):
    "Within: one CUDA GPU of `capability` as far as torch and the code under test can tell (see the module's text)."
    patches = [mock.patch.object(torch.cuda, 'is_available', lambda: True),
               mock.patch.object(torch.cuda, 'device_count', lambda: 1),
               mock.patch.object(torch.cuda, 'get_device_capability', lambda d=None: capability),
               mock.patch.object(torch.cuda, 'get_device_name', lambda d=None: name),
               mock.patch.object(torch.cuda, 'is_bf16_supported', lambda *a, **k: True),   # as on a real T4 (emulated)
               mock.patch.object(torch.cuda, 'synchronize', lambda *a, **k: None),
               mock.patch.object(torch.cuda, 'is_current_stream_capturing', lambda: False),
               mock.patch.object(torch.optim.Optimizer, '_accelerator_graph_capture_health_check', lambda self: None)]
    with contextlib.ExitStack() as st:
        for p in patches: st.enter_context(p)
        old = torch.__future__.get_overwrite_module_params_on_conversion()
        torch.__future__.set_overwrite_module_params_on_conversion(True)   # Module.to('cuda') makes new, tagged parameters
        st.callback(torch.__future__.set_overwrite_module_params_on_conversion, old)
        st.enter_context(_ToSimCUDA())
        yield


def self_test():
    "The simulation catches the two mistakes it exists for, and lets correct code through."
    from cifake_nb.model import create_model, predict_proba, pick_device
    with simulated_cuda():
        dev = pick_device()
        m = create_model().to(dev).eval()
        x = torch.randint(0, 256, (2, 3, 32, 32), dtype=torch.uint8)
        assert dev.type == 'cuda' and next(m.parameters()).device.type == 'cuda'
        assert predict_proba(m, x).shape == (2,)                            # moves its input, returns numpy: fine
        for mistake, words in [(lambda: m(x), 'same device'), (lambda: torch.sigmoid(m(x.to(dev))).numpy(), 'to numpy')]:
            try: mistake(); raise AssertionError(f'not caught: {words}')
            except (RuntimeError, TypeError) as e: assert words in str(e), e


PRELUDE = f"""import sys; sys.path.insert(0, {str(REPO/'tools')!r})
import gpu_sim; _gpu_sim = gpu_sim.simulated_cuda(); _gpu_sim.__enter__()
import torch; assert torch.cuda.is_available() and torch.cuda.get_device_capability() == (7, 5)"""


def run_notebook(path: Path, timeout=900):
    "Execute a copy of the notebook with the simulation entered first; (ok, error text)."
    import nbformat, warnings
    from nbclient import NotebookClient
    warnings.filterwarnings('ignore', message='Cell is missing an id field')   # nbdev_clean drops cell ids
    from nbclient.exceptions import CellExecutionError
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(PRELUDE))
    try: NotebookClient(nb, timeout=timeout, kernel_name='python3', resources={'metadata': {'path': str(path.parent)}}).execute()
    except CellExecutionError as e: return False, re.sub(r'\x1b\[[0-9;]*m', '', str(e))[-3000:]
    return True, ''


def main(names):
    import os
    os.environ['IN_TEST'] = '1'
    passed, failed = 0, []
    try: self_test(); passed += 1; print('ok   the simulation catches a CPU input to a GPU model and numpy on a GPU result', flush=True)
    except AssertionError as e: failed.append('self test'); print(f'FAIL self test: {e}')
    nbs = [REPO/'nbs'/f'{n}.ipynb' for n in names] or sorted((REPO/'nbs').glob('[0-9]*.ipynb'))
    def one(p):
        t = time.time(); ok, err = run_notebook(p)
        return p, ok, err, time.time() - t
    with ThreadPoolExecutor(2) as pool:       # two kernels at a time, one thread each (IN_TEST), as nbdev_test runs them
        for p, ok, err, secs in pool.map(one, nbs):
            print(f"{'ok  ' if ok else 'FAIL'} {p.name} on a simulated T4 ({secs:.0f} s)" + ('' if ok else f'\n{err}'), flush=True)
            if ok: passed += 1
            else: failed.append(p.name)
    print(f'gpu-sim: {passed} passed, {len(failed)} failed')
    sys.exit(1 if failed else 0)


if __name__ == '__main__': main(sys.argv[1:])
