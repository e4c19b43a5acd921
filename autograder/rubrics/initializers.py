"""Rubric for initializers: compute_fans, four Keras initializers, and the lecture's
activation experiment (DLfS ch. 6).

Layout of the checks (one group per graded name): 1 compute_fans, 2 ScaledNormal, 3 Xavier,
4 Glorot, 5 He, 6 activation_stats.

compute_fans is deterministic and compared exactly. Random draws are not: the student's
stream differs from the reference's, so the initializer checks return the drawn values and
the comparisons judge their *statistics* against the analytic target (the reference's
own values are not used). Every tolerance comes from the sampling distribution of the
statistic with a wide margin (about 6 standard errors, and never tighter than a floor), so a
correct submission passes whatever its random numbers, while the mistakes the course knows
(He with fan_out, Xavier with fan_in + fan_out, Glorot without the 2, stddev used as a
variance, uniform instead of normal, a forgotten receptive field) are many tolerances away
on the shapes chosen (all with at least 100,000 values, fan_in and fan_out far apart).
``tests/rubrics/test_initializers_rubric.py`` checks both sides on 20 seeds.

Each check isolates one behaviour, so a typical mistake loses only the checks that name it:

- the standard deviation checks (x.1, x.2, hidden x.7/x.8) accept any floating dtype and any
  seeding; only x.3/x.4 ("dtype") grade the dtype, only the "seed" checks grade determinism;
- the normality checks standardise the values with their own mean and standard deviation,
  so a wrong scale does not fail them; only the shape of the distribution counts;
- the get_config and layer checks compare with the submission's *own* output: equal values
  when the submission is deterministic, else equal statistics; a wrong scale or an ignored
  seed does not fail them;
- activation_stats is graded with the grader's own N(0, s²) initializer (not the student's
  classes): 6.1 checks the structure exactly (each layer is g(previous layer @ W) for the
  known W, one initializer call per layer, inputs N(0, 1)); 6.2/6.3 compare the per-layer
  statistics of the lecture's cases with the reference's for the same weights.

Which student functions each check calls: the initializer checks call only the class they
grade (and Keras layers built with it); ``compute_fans`` is called alone; ``activation_stats``
is called with the grader's own ``GraderNormal`` initializer, never the student's classes.
"""
from __future__ import annotations

import functools
import math

from autograder.exercises.initializers_compare import _g, activation_seeding_compare, chain_compare, compare_std_for, config_compare, dtypes_compare, layers_compare, normality_compare, seeding_compare, stats_compare
from autograder.engine.rubric import Call, Check, Description, Diagnosis, Rubric, integers

# --- formatting -----------------------------------------------------------------------------


def _init_repr(function: str, init: dict) -> str:
    return f"{function}(" + ", ".join(f"{k}={v!r}" for k, v in init.items()) + ")"


def _describe_draw(function: str):
    def describe(call: Call) -> str:
        return f"{_init_repr(function, call.kwargs['init'])}({tuple(call.kwargs['shape'])})"

    return describe


def _describe_dtypes(function: str):
    def describe(call: Call) -> str:
        init, shape = _init_repr(function, call.kwargs["init"]), tuple(call.kwargs["shape"])
        return (f"{init}({shape}), {init}({shape}, dtype='float64'), "
                f"{init}({shape}, dtype='float32')")

    return describe


SEEDING = "{first}({shape}) twice (two new initializers), then {second}({shape})"
LAYERS = ("keras.layers.Dense({units}, kernel_initializer={init}) on {n_in} inputs and "
          "keras.layers.Conv2D({c_out}, ({kh}, {kw}), kernel_initializer={init}) on {c_in} channels")
ACTIVATION = "activation_stats(<a N(0, {stddev}²) initializer: {label}>, {activation}{sizes}, seed={seed})"


def _seeding(function: str, call: Call) -> tuple[str, dict]:
    init = call.kwargs["init"]
    return SEEDING, {"first": _init_repr(function, init), "shape": tuple(call.kwargs["shape"]),
                     "second": _init_repr(function, dict(init, seed=init["seed"] + 1))}


def _describe_seeding(function: str) -> Description:
    return Description((SEEDING,), functools.partial(_seeding, function))


def _describe_config(function: str):
    def describe(call: Call) -> str:
        init = _init_repr(function, call.kwargs["init"])
        return f"{function}.from_config({init}.get_config())({tuple(call.kwargs['shape'])})"

    return describe


def _layers(function: str, call: Call) -> tuple[str, dict]:
    n_in, units = call.kwargs["dense"]
    kh, kw, c_in, c_out = call.kwargs["conv"]
    return LAYERS, {"units": units, "init": _init_repr(function, call.kwargs["init"]), "n_in": n_in,
                    "c_out": c_out, "kh": kh, "kw": kw, "c_in": c_in}


def _describe_layers(function: str) -> Description:
    return Description((LAYERS,), functools.partial(_layers, function))


def _activation(call: Call) -> tuple[str, dict]:
    kw = call.kwargs
    sizes = ", ".join(f"{k}={kw[k]}" for k in ("n_layers", "n_nodes", "n_samples") if k in kw)
    return ACTIVATION, {"stddev": _g(kw["stddev"], 4), "label": kw["label"], "activation": repr(kw["activation"]),
                        "sizes": f", {sizes}" if sizes else "", "seed": kw["seed"]}


_describe_activation = Description((ACTIVATION,), _activation)


# Custom comparisons (compare_std, built by compare_std_for, normality_compare, dtypes_compare,
# seeding_compare, config_compare, layers_compare, chain_compare, stats_compare,
# activation_seeding_compare) are public, in autograder/exercises/initializers_compare.py: student
# bundles judge the visible checks with them.


# --- input builders -------------------------------------------------------------------------------


def _seed(rng) -> int:
    return integers(rng, 0, 10 ** 6)


def _dense_shapes(rng) -> list[tuple[int, int]]:
    """Two Dense kernels of >= 100k values, one with fan_in ~2x fan_out, one the other way."""
    return [(integers(rng, 500, 640), integers(rng, 220, 300)),
            (integers(rng, 180, 240), integers(rng, 560, 720))]


def _conv_shapes(rng) -> list[tuple[int, ...]]:
    """Conv1D, Conv2D (both channel orders) and Conv3D kernels of >= 100k values, c_in != c_out."""
    return [(3, 3, integers(rng, 72, 96), integers(rng, 160, 220)),
            (5, 5, integers(rng, 100, 128), integers(rng, 44, 60)),
            (integers(rng, 7, 9), integers(rng, 96, 112), integers(rng, 176, 224)),
            (3, 3, 3, integers(rng, 40, 56), integers(rng, 96, 128))]


def _draws(shapes, init_of):
    return [Call((), {"init": init_of(), "shape": shape}) for shape in shapes]


def cases_fans_dense(rng):
    shapes = [(784, 100), (100, 10), (1, 1), (integers(rng, 2, 50), integers(rng, 51, 300)),
              (integers(rng, 200, 900), integers(rng, 2, 60))]
    return [Call((shape,)) for shape in shapes]


def cases_fans_conv(rng):
    shapes = [(5, 16, 32), (3, 3, 3, 64), (3, 3, 3, 8, 4), (1, 1, 64, 32),
              (integers(rng, 2, 7), integers(rng, 2, 7), integers(rng, 1, 16), integers(rng, 17, 40)),
              (integers(rng, 2, 9), integers(rng, 30, 60), integers(rng, 2, 20))]
    return [Call((shape,)) for shape in shapes]


def cases_fans_small(rng):
    return [Call(((7,),)), Call(((integers(rng, 20, 200),),)), Call(((),)), Call(((1,),))]


def cases_fans_hidden(rng):
    shapes = [(integers(rng, 2, 1000), integers(rng, 2, 1000)),
              (integers(rng, 1, 11), integers(rng, 1, 11), integers(rng, 1, 64), integers(rng, 1, 64)),
              (integers(rng, 1, 5), integers(rng, 1, 5), integers(rng, 1, 5), integers(rng, 2, 9),
               integers(rng, 10, 20)),
              (2, 3, 4, 5, 6, 7), (integers(rng, 2, 500),)]
    return [Call((shape,)) for shape in shapes]


def cases_scaled_std(rng):
    dense, conv = _dense_shapes(rng), _conv_shapes(rng)
    return [Call((), {"init": {"seed": _seed(rng)}, "shape": dense[0]}),  # default stddev 0.01
            Call((), {"init": {"stddev": 0.5, "seed": _seed(rng)}, "shape": conv[0]}),
            Call((), {"init": {"stddev": 2.0, "seed": _seed(rng)}, "shape": dense[1]}),
            Call((), {"init": {"stddev": 0.04, "seed": _seed(rng)}, "shape": conv[3]})]


def cases_scaled_hidden(rng):
    dense, conv = _dense_shapes(rng), _conv_shapes(rng)
    return [Call((), {"init": {"stddev": 0.25, "seed": _seed(rng)}, "shape": conv[1]}),
            Call((), {"init": {"stddev": 2.5, "seed": _seed(rng)}, "shape": conv[2]}),
            Call((), {"init": {"stddev": 0.002, "seed": _seed(rng)}, "shape": dense[0]})]


def _stddev_init(rng, function: str) -> dict:
    if function == "ScaledNormal":
        return {"stddev": float(rng.choice([0.05, 0.3, 1.5])), "seed": _seed(rng)}
    return {"seed": _seed(rng)}


def cases_dense_std(rng):
    return _draws(_dense_shapes(rng), lambda: {"seed": _seed(rng)})


def cases_conv_std(rng):
    return _draws(_conv_shapes(rng), lambda: {"seed": _seed(rng)})


def cases_hidden_std(rng):
    dense, conv = _dense_shapes(rng), _conv_shapes(rng)
    shapes = [(dense[0][1], dense[0][0]), conv[int(rng.integers(0, 4))], (7, 7, 3, 640)]
    return _draws(shapes, lambda: {"seed": _seed(rng)})


def normal_cases(function: str):
    def cases(rng):
        dense, conv = _dense_shapes(rng), _conv_shapes(rng)
        return [Call((), {"init": _stddev_init(rng, function), "shape": dense[0]}),
                Call((), {"init": _stddev_init(rng, function), "shape": conv[0]})]

    return cases


def _small_cases(function: str, rows: tuple[int, int, int, int], channels: tuple[int, int, int, int]):
    """Cases of a Dense-like shape (rows) and a 3x3 conv kernel (channels), each ranges (lo, hi)."""
    def cases(rng):
        calls = []
        for make_shape in (lambda: (integers(rng, *rows[:2]), integers(rng, *rows[2:])),
                           lambda: (3, 3, integers(rng, *channels[:2]), integers(rng, *channels[2:]))):
            init = _stddev_init(rng, function)
            calls.append(Call((), {"init": init, "shape": make_shape()}))
        return calls

    return cases


def dtype_cases(function: str):
    return _small_cases(function, (20, 40, 10, 19), (2, 8, 9, 16))


def seeding_cases(function: str):
    return _small_cases(function, (30, 50, 20, 29), (4, 8, 9, 16))


def config_cases(function: str):
    return _small_cases(function, (180, 220, 140, 170), (24, 32, 40, 64))


def layer_cases(function: str):
    def cases(rng):
        init = _stddev_init(rng, function)
        return [Call((), {"init": init, "dense": (integers(rng, 150, 250), integers(rng, 100, 200)),
                          "conv": (3, 3, integers(rng, 16, 32), integers(rng, 32, 64))})]

    return cases


def _activation_case(rng, activation, stddev, label, **sizes):
    return Call((), dict({"activation": activation, "stddev": stddev, "label": label,
                          "weight_seed": _seed(rng), "seed": integers(rng, 0, 999)}, **sizes))


def cases_chain(rng):
    def case(activation, stddev, label, n_layers, n_nodes, n_samples):
        return _activation_case(rng, activation, stddev, label, n_layers=n_layers, n_nodes=n_nodes,
                                n_samples=n_samples)

    return [case("sigmoid", 1 / math.sqrt(30), "Xavier", 4, 30, 200),
            case("tanh", 1 / math.sqrt(24), "Xavier", 3, 24, 250),
            case("relu", math.sqrt(2 / 40), "He", 4, 40, 150),
            case("sigmoid", 1.0, "stddev 1", 2, 8, 300)]


def cases_lecture_sigmoid(rng):
    return [_activation_case(rng, "sigmoid", 1.0, "stddev 1"),
            _activation_case(rng, "sigmoid", 0.01, "stddev 0.01"),
            _activation_case(rng, "sigmoid", 0.1, "Xavier")]


def cases_lecture_relu(rng):
    return [_activation_case(rng, "relu", 0.01, "stddev 0.01"),
            _activation_case(rng, "relu", math.sqrt(2 / 100), "He")]


def cases_chain_hidden(rng):
    return [_activation_case(rng, "tanh", 0.15, "stddev 0.15", n_layers=7, n_nodes=50, n_samples=120),
            _activation_case(rng, "relu", 0.2, "He", n_layers=6, n_nodes=50, n_samples=90),
            _activation_case(rng, "sigmoid", 0.3, "stddev 0.3", n_layers=3, n_nodes=12, n_samples=400)]


def cases_lecture_hidden(rng):
    return [_activation_case(rng, "relu", 0.1, "Xavier"),
            _activation_case(rng, "tanh", 0.1, "Xavier"),
            _activation_case(rng, "sigmoid", 0.1, "Xavier", n_layers=8, n_nodes=100, n_samples=500)]


def cases_activation_seeding(rng):
    return [_activation_case(rng, "tanh", 0.15, "stddev 0.15", n_layers=3, n_nodes=30, n_samples=60)]


# --- diagnoses (compute_fans) ----------------------------------------------------------------


def _shape(call: Call) -> tuple:
    return tuple(call.args[0])


def _no_receptive_field(ref, call):
    shape = _shape(call)
    if len(shape) < 3:
        raise ValueError("not a convolution kernel")
    return shape[-2], shape[-1]


def _fan_out_without_field(ref, call):
    shape = _shape(call)
    if len(shape) < 3:
        raise ValueError("not a convolution kernel")
    return ref.compute_fans(shape)[0], shape[-1]


def _channels_first(ref, call):
    shape = _shape(call)
    if len(shape) < 3:
        raise ValueError("not a convolution kernel")
    field = math.prod(shape[2:])
    return shape[1] * field, shape[0] * field


def _swapped(ref, call):
    fan_in, fan_out = ref.compute_fans(_shape(call))
    return fan_out, fan_in


def _one_d_as_row(ref, call):
    shape = _shape(call)
    if len(shape) != 1:
        raise ValueError("not 1-D")
    return 1, shape[0]


def _one_d_as_column(ref, call):
    shape = _shape(call)
    if len(shape) != 1:
        raise ValueError("not 1-D")
    return shape[0], 1


D_NO_FIELD = Diagnosis("your fans ignore the receptive field: for a kernel (kh, kw, c_in, c_out) "
                       "one output sums kh*kw*c_in inputs, so fan_in = kh*kw*c_in and fan_out = "
                       "kh*kw*c_out (multiply by the product of all axes but the last two).",
                       _no_receptive_field)
D_FAN_OUT_FIELD = Diagnosis("your fan_out lacks the receptive field: Keras counts it like fan_in, "
                            "fan_out = kh*kw*...*c_out.", _fan_out_without_field)
D_CHANNELS_FIRST = Diagnosis("you read the kernel as PyTorch's (c_out, c_in, kh, kw); Keras kernels "
                             "are channels-last, (kh, kw, c_in, c_out): the channels are the last "
                             "two axes.", _channels_first)
D_SWAPPED = Diagnosis("fan_in and fan_out are swapped: fan_in is shape[-2] (times the receptive "
                      "field), fan_out shape[-1]; return (fan_in, fan_out).", _swapped)
D_ONE_D = Diagnosis("a 1-D shape (n,) has fan_in = fan_out = n in Keras.", _one_d_as_row)
D_ONE_D_COLUMN = Diagnosis("a 1-D shape (n,) has fan_in = fan_out = n in Keras.", _one_d_as_column)

FANS_HINT = ("fan_in = shape[-2] and fan_out = shape[-1], each times the receptive field "
             "(the product of all axes but the last two); (n,) gives (n, n) and () gives (1, 1).")

# --- the rubric ---------------------------------------------------------------------------------


def initializer_checks(function: str, group: int, *, formula: str) -> list[Check]:
    hint = f"{function} draws from N(0, σ²) with σ = {formula}."
    if function == "ScaledNormal":
        std_checks = [
            Check(f"{group}.1", f"{function}: standard deviation stddev and mean 0 (default 0.01)",
                  function, 2.0, cases_scaled_std, seed=group * 1000 + 101,
                  scenario="initializers:draw", compare=compare_std_for(function),
                  describe=_describe_draw(function),
                  hint="the values are stddev * (standard normal numbers); stddev is the standard "
                       "deviation, not the variance; the default is 0.01."),
        ]
        hidden_std = Check(f"{group}.7", f"{function}: other stddevs, shapes and seeds", function,
                           1.0, cases_scaled_hidden, seed=group * 1000 + 701, hidden=True,
                           scenario="initializers:draw", compare=compare_std_for(function),
                           describe=_describe_draw(function), hint="values = stddev * standard normals.")
        offset = 1
    else:
        std_checks = [
            Check(f"{group}.1", f"{function}: standard deviation {formula} on Dense kernels",
                  function, 2.0, cases_dense_std, seed=group * 1000 + 101,
                  scenario="initializers:draw", compare=compare_std_for(function),
                  describe=_describe_draw(function), hint=hint),
            Check(f"{group}.2", f"{function}: convolution kernels (fans with the receptive field)",
                  function, 2.0, cases_conv_std, seed=group * 1000 + 201,
                  scenario="initializers:draw", compare=compare_std_for(function),
                  describe=_describe_draw(function),
                  hint=hint + " For a kernel (kh, kw, c_in, c_out) use compute_fans: fan_in = kh*kw*c_in."),
        ]
        hidden_std = Check(f"{group}.8", f"{function}: other shapes and seeds", function, 1.0,
                           cases_hidden_std, seed=group * 1000 + 801, hidden=True,
                           scenario="initializers:draw", compare=compare_std_for(function),
                           describe=_describe_draw(function), hint=hint)
        offset = 2
    n = offset
    rest = [
        Check(f"{group}.{n + 1}", f"{function}: normally distributed (not uniform, not truncated)",
              function, 1.0, normal_cases(function), seed=group * 1000 + 301,
              scenario="initializers:draw", compare=normality_compare,
              describe=_describe_draw(function),
              hint="draw standard normal numbers (np.random.default_rng(seed).standard_normal, "
                   "keras.random.normal) and scale them."),
        Check(f"{group}.{n + 2}", f"{function}: dtype float32 by default, float64 when asked",
              function, 1.0, dtype_cases(function), seed=group * 1000 + 401,
              scenario="initializers:dtypes", compare=dtypes_compare,
              describe=_describe_dtypes(function),
              hint="return values of the dtype asked for; None means keras.backend.floatx()."),
        Check(f"{group}.{n + 3}", f"{function}: the same seed gives the same values, another seed others",
              function, 1.0, seeding_cases(function), seed=group * 1000 + 501,
              scenario="initializers:seeding", compare=seeding_compare,
              describe=_describe_seeding(function),
              hint="make the random generator from self.seed inside __call__."),
        Check(f"{group}.{n + 4}", f"{function}: get_config / from_config round trip",
              function, 1.0, config_cases(function), seed=group * 1000 + 601,
              scenario="initializers:config_round_trip", compare=config_compare,
              describe=_describe_config(function),
              hint="get_config returns the constructor's arguments as a dict."),
        Check(f"{group}.{n + 5}", f"{function}: as kernel_initializer of keras.layers.Dense and Conv2D",
              function, 1.0, layer_cases(function), seed=group * 1000 + 651,
              scenario="initializers:in_layers", compare=layers_compare,
              describe=_describe_layers(function),
              hint="Keras calls initializer(shape, dtype='float32') with the kernel's shape tuple."),
    ]
    return std_checks + rest + [hidden_std]


CHAIN_HINT = ("draw x = np.random.default_rng(seed).standard_normal((n_samples, n_nodes)); then for "
              "each layer W = initializer((n_nodes, n_nodes)), a = g(a @ W) (no bias; the first "
              "layer reads x, later layers the previous activations), and stack the layers.")

RUBRIC = Rubric(
    assignment="initializers",
    checks=(
        # 1. compute_fans
        Check("1.1", "compute_fans: Dense kernels (n_in, n_out)", "compute_fans", 1.0,
              cases_fans_dense, seed=1101, exact=True, hint=FANS_HINT, diagnoses=(D_SWAPPED,)),
        Check("1.2", "compute_fans: convolution kernels fold in the receptive field", "compute_fans",
              2.0, cases_fans_conv, seed=1201, exact=True, hint=FANS_HINT,
              diagnoses=(D_NO_FIELD, D_FAN_OUT_FIELD, D_CHANNELS_FIRST, D_SWAPPED)),
        Check("1.3", "compute_fans: 1-D and scalar shapes (Keras' conventions)", "compute_fans",
              1.0, cases_fans_small, seed=1301, exact=True, hint=FANS_HINT,
              diagnoses=(D_ONE_D, D_ONE_D_COLUMN)),
        Check("1.4", "compute_fans: more shapes", "compute_fans", 1.0, cases_fans_hidden,
              seed=1401, exact=True, hidden=True, hint=FANS_HINT,
              diagnoses=(D_NO_FIELD, D_FAN_OUT_FIELD, D_CHANNELS_FIRST, D_SWAPPED, D_ONE_D,
                         D_ONE_D_COLUMN)),
        # 2.-5. the initializers
        *initializer_checks("ScaledNormal", 2, formula="stddev"),
        *initializer_checks("Xavier", 3, formula="sqrt(1 / fan_in)"),
        *initializer_checks("Glorot", 4, formula="sqrt(2 / (fan_in + fan_out))"),
        *initializer_checks("He", 5, formula="sqrt(2 / fan_in)"),
        # 6. activation_stats
        Check("6.1", "activation_stats: each layer is g(previous layer @ W), one initializer call "
              "per layer, N(0, 1) inputs", "activation_stats", 3.0, cases_chain, seed=6101,
              scenario="initializers:activation_run", compare=chain_compare,
              describe=_describe_activation, hint=CHAIN_HINT),
        Check("6.2", "activation_stats: sigmoid with stddev 1, 0.01 and Xavier (the lecture's "
              "histograms)", "activation_stats", 2.0, cases_lecture_sigmoid, seed=6201,
              scenario="initializers:activation_run", compare=stats_compare,
              describe=_describe_activation, hint=CHAIN_HINT),
        Check("6.3", "activation_stats: ReLU with stddev 0.01 and He", "activation_stats", 2.0,
              cases_lecture_relu, seed=6301, scenario="initializers:activation_run",
              compare=stats_compare, describe=_describe_activation, hint=CHAIN_HINT),
        Check("6.4", "activation_stats: other depths, widths and activations", "activation_stats",
              1.0, cases_chain_hidden, seed=6401, hidden=True,
              scenario="initializers:activation_run", compare=chain_compare,
              describe=_describe_activation, hint=CHAIN_HINT),
        Check("6.5", "activation_stats: the inputs depend on seed only", "activation_stats", 1.0,
              cases_activation_seeding, seed=6501, hidden=True,
              scenario="initializers:activation_seeding", compare=activation_seeding_compare,
              describe=_describe_activation,
              hint="draw the inputs from np.random.default_rng(seed), not from a global generator."),
        Check("6.6", "activation_stats: ReLU and tanh with Xavier, a deeper sigmoid stack",
              "activation_stats", 1.0, cases_lecture_hidden, seed=6601, hidden=True,
              scenario="initializers:activation_run", compare=stats_compare,
              describe=_describe_activation, hint=CHAIN_HINT),
    ),
    forbidden=(
        "keras.initializers.Constant",
        "keras.initializers.Identity",
        "keras.initializers.Ones",
        "keras.initializers.Zeros",
        "keras.initializers.STFT",
        "keras.initializers.GlorotNormal",
        "keras.initializers.GlorotUniform",
        "keras.initializers.HeNormal",
        "keras.initializers.HeUniform",
        "keras.initializers.LecunNormal",
        "keras.initializers.LecunUniform",
        "keras.initializers.Orthogonal",
        "keras.initializers.RandomNormal",
        "keras.initializers.RandomUniform",
        "keras.initializers.TruncatedNormal",
        "keras.initializers.VarianceScaling",
        "keras.initializers.get",
        "keras.initializers.serialize",
        "keras.initializers.deserialize",
        "keras.src.initializers.random_initializers.compute_fans",
    ),
    needs_tensorflow=True,
    timeout=60.0,
)
