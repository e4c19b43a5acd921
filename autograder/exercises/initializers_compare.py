"""initializers' custom comparisons (public: student bundles judge the visible checks with them)."""
from __future__ import annotations

import functools
import math

import numpy as np

from autograder.engine.compare import compare_arrays
from autograder.engine.i18n import N_, _
from autograder.engine.rubric import Call
from .initializers import ACTIVATIONS, fans, grader_matrix

# --- formatting -----------------------------------------------------------------------------


def _g(x: float, digits: int = 3) -> str:
    return f"{float(x):.{digits}g}"


# --- targets ----------------------------------------------------------------------------------

FORMULAS = {
    "Xavier": ("sqrt(1 / fan_in)", lambda fi, fo: math.sqrt(1.0 / fi)),
    "Glorot": ("sqrt(2 / (fan_in + fan_out))", lambda fi, fo: math.sqrt(2.0 / (fi + fo))),
    "He": ("sqrt(2 / fan_in)", lambda fi, fo: math.sqrt(2.0 / fi)),
}

# Known mistakes: (label, standard deviation it gives) for a shape / stddev.


def _alternatives(function: str, kwargs: dict) -> list[tuple[str, float]]:
    if function == "ScaledNormal":
        s = float(kwargs["init"].get("stddev", 0.01))
        return [(N_("stddev used as the variance: N(0, stddev) has standard deviation sqrt(stddev); "
                 "multiply standard normal numbers by stddev itself"), math.sqrt(s)),
                (N_("stddev squared: N(0, stddev²) means standard deviation stddev, so multiply by "
                 "stddev, not stddev²"), s * s),
                (N_("uniform numbers in [-stddev, stddev] (standard deviation stddev/sqrt(3)): draw "
                 "from the normal distribution"), s / math.sqrt(3.0))] + (
                [] if "stddev" in kwargs["init"] else [(N_("a default stddev other than 0.01"), 0.05),
                                                       (N_("a default stddev other than 0.01"), 1.0)])
    shape = tuple(kwargs["shape"])
    fi, fo = fans(shape)
    bare = fans(shape[-2:]) if len(shape) > 2 else (fi, fo)  # receptive field forgotten
    alternatives = {
        "Xavier": [(N_("fan_in + fan_out: Xavier's variance is 1 / fan_in (Glorot's uses the sum, "
                    "with a 2)"), math.sqrt(1.0 / (fi + fo))),
                   (N_("Glorot's variance 2 / (fan_in + fan_out): Xavier's is 1 / fan_in"),
                    math.sqrt(2.0 / (fi + fo))),
                   (N_("fan_out instead of fan_in"), math.sqrt(1.0 / fo)),
                   (N_("1 / fan_in used as the standard deviation: it is the variance, take its "
                    "square root"), 1.0 / fi),
                   (N_("He's variance 2 / fan_in: Xavier's is 1 / fan_in"), math.sqrt(2.0 / fi)),
                   (N_("fan_in without the receptive field (kernel height x width x ...): use "
                    "compute_fans"), math.sqrt(1.0 / bare[0]))],
        "Glorot": [(N_("a missing factor 2: Glorot's variance is 2 / (fan_in + fan_out)"),
                    math.sqrt(1.0 / (fi + fo))),
                   (N_("2 / (fan_in + fan_out) used as the standard deviation: it is the variance, "
                    "take its square root"), 2.0 / (fi + fo)),
                   (N_("He's variance 2 / fan_in: Glorot averages fan_in and fan_out"),
                    math.sqrt(2.0 / fi)),
                   (N_("Xavier's variance 1 / fan_in: Glorot's is 2 / (fan_in + fan_out)"),
                    math.sqrt(1.0 / fi)),
                   (N_("fans without the receptive field (kernel height x width x ...): use "
                    "compute_fans"), math.sqrt(2.0 / (bare[0] + bare[1])))],
        "He": [(N_("fan_out instead of fan_in: He's variance is 2 / fan_in"), math.sqrt(2.0 / fo)),
               (N_("Xavier's variance 1 / fan_in: He doubles it for ReLU"), math.sqrt(1.0 / fi)),
               (N_("2 / fan_in used as the standard deviation: it is the variance, take its square "
                "root"), 2.0 / fi),
               (N_("Glorot's variance 2 / (fan_in + fan_out): He's is 2 / fan_in"),
                math.sqrt(2.0 / (fi + fo))),
               (N_("fan_in without the receptive field (kernel height x width x ...): use "
                "compute_fans"), math.sqrt(2.0 / bare[0]))],
    }
    return alternatives[function]


def target_std(function: str, kwargs: dict) -> tuple[float, str]:
    """(standard deviation, how it was computed) for a draw check's case."""
    if function == "ScaledNormal":
        s = float(kwargs["init"].get("stddev", 0.01))
        return s, _("the stddev argument") if "stddev" in kwargs["init"] else _("the default stddev")
    fi, fo = fans(kwargs["shape"])
    formula, f = FORMULAS[function]
    return f(fi, fo), _("{formula} with fan_in = {fan_in}, fan_out = {fan_out}").format(
        formula=formula, fan_in=fi, fan_out=fo)


# --- statistics -------------------------------------------------------------------------------

Z = 6.0  # standard errors of margin


def std_tolerance(n: int) -> float:
    """Relative tolerance on a sample standard deviation of n normal values (SE ~ 1/sqrt(2n))."""
    return max(0.02, Z / math.sqrt(2.0 * n))


def _floating(values, what: str, shape=None) -> tuple[np.ndarray | None, str | None]:
    """The values as float64, or a message saying why they cannot be judged."""
    if not isinstance(values, np.ndarray):
        return None, _("{what}: expected an array, got {type}").format(what=what, type=type(values).__name__)
    if shape is not None and values.shape != tuple(shape):
        return None, _("{what}: expected shape {expected}, got {got}").format(what=what, expected=tuple(shape), got=values.shape)
    if values.dtype.kind not in "f":
        return None, _("{what}: expected floating-point values, got dtype {dtype} "
                       "(return floats, e.g. .astype(dtype))").format(what=what, dtype=values.dtype)
    if values.size == 0:
        return None, _("{what}: got no values").format(what=what)
    values = values.astype(np.float64)
    if not np.all(np.isfinite(values)):
        return None, _("{what}: got nan or inf").format(what=what)
    return values, None


def _scale_message(function: str, kwargs: dict, values: np.ndarray) -> str | None:
    """None if the standard deviation and the mean are right, else feedback."""
    target, how = target_std(function, kwargs)
    n = values.size
    std, mean = float(values.std()), float(values.mean())
    tol = std_tolerance(n)
    if abs(std / target - 1.0) > tol:
        lines = [_("the standard deviation of your {n} values is {std}; expected "
                   "{target} = {how} (within {tolerance}).").format(
                       n=n, std=_g(std, 4), target=_g(target, 4), how=how, tolerance=f"{tol:.0%}")]
        matches = list(dict.fromkeys(
            label for label, alternative in _alternatives(function, kwargs)
            if abs(alternative / target - 1.0) > 2 * tol and abs(std / alternative - 1.0) <= tol))
        if matches:
            lines.append(_("Yours matches {mistakes}.").format(mistakes=_("; or ").join(map(_, matches))))
        return " ".join(lines)
    mean_tol = Z * target / math.sqrt(n)
    if abs(mean) > mean_tol:
        return _("the mean of your {n} values is {mean}; expected 0 (within "
                 "{tolerance} for this many values): draw from N(0, σ²), centred at 0.").format(
                     n=n, mean=_g(mean), tolerance=_g(mean_tol, 2))
    return None


NORMAL_WITHIN = {1: 0.6826894921370859, 2: 0.9544997361036416, 3: 0.9973002039367398}


def normality_message(values: np.ndarray) -> str | None:
    """None if the standardised values look like N(0, 1) samples, else feedback."""
    n = values.size
    z = (values - values.mean()) / values.std()
    fractions = {k: float(np.mean(np.abs(z) < k)) for k in NORMAL_WITHIN}
    kurtosis = float(np.mean(z ** 4))
    problems = []
    for k, p in NORMAL_WITHIN.items():
        tol = max(0.01, Z * math.sqrt(p * (1 - p) / n))
        if abs(fractions[k] - p) > tol:
            problems.append((_("{share} of your values lie within {k} standard deviation of the mean, "
                               "where a normal distribution has {normal}") if k == 1 else
                             _("{share} of your values lie within {k} standard deviations of the mean, "
                               "where a normal distribution has {normal}")).format(
                                 share=f"{fractions[k]:.1%}", k=k, normal=f"{p:.1%}"))
    kurtosis_tol = max(0.15, Z * math.sqrt(24.0 / n))
    if abs(kurtosis - 3.0) > kurtosis_tol:
        problems.append(_("the kurtosis E[z⁴] of your standardised values is {kurtosis}, "
                          "where a normal distribution has 3").format(kurtosis=f"{kurtosis:.2f}"))
    if not problems:
        return None
    text = _("your values are not normally distributed: {problems}.").format(problems="; ".join(problems))
    widest = float(np.max(np.abs(z)))
    if kurtosis < 2.0 and fractions[2] > 0.995:
        text += _(" They look uniform (kurtosis 1.8, nothing beyond 1.73 standard deviations): "
                  "draw with np.random.default_rng(seed).standard_normal(shape) or "
                  "keras.random.normal, not a uniform generator.")
    elif kurtosis < 2.9 and widest < 2.6:
        text += _(" Nothing lies beyond {widest} standard deviations: a truncated normal? "
                  "The lecture's initializers draw from the plain normal (standard_normal, "
                  "keras.random.normal), not keras.random.truncated_normal.").format(widest=f"{widest:.2f}")
    return text


# --- comparisons --------------------------------------------------------------------------------


def compare_std(function: str, expected, got, call: Call) -> str | None:
    """Judge Cls(**init)(shape): shape, floating, standard deviation and mean."""
    values, problem = _floating(got, _("your initializer's values"), call.kwargs["shape"])
    if problem:
        return problem
    return _scale_message(function, call.kwargs, values)


def compare_std_for(function: str):
    """``compare_std`` for ``function``: a ``functools.partial``, so that a bundle can rebuild it."""
    return functools.partial(compare_std, function)


def normality_compare(expected, got, call: Call) -> str | None:
    values, problem = _floating(got, _("your initializer's values"), call.kwargs["shape"])
    if problem:
        return problem
    if values.std() == 0:
        return _("all your values are equal: draw them at random")
    return normality_message(values)


def dtypes_compare(expected, got, call: Call) -> str | None:
    shape = tuple(call.kwargs["shape"])
    if not isinstance(got, tuple) or len(got) != 3:
        return _("expected three results")
    for values, asked, want in zip(got, ("dtype=None", "dtype='float64'", "dtype='float32'"),
                                   ("float32", "float64", "float32")):
        if not isinstance(values, np.ndarray):
            return _("called with {asked}, your initializer returned {type}").format(
                asked=asked, type=type(values).__name__)
        if values.shape != shape:
            return _("called with {asked}, your initializer returned shape {got}, expected {expected}").format(
                asked=asked, got=values.shape, expected=shape)
        if values.dtype != np.dtype(want):
            why = (_(" (None means Keras' default float type, keras.backend.floatx(), which is "
                     "float32)") if asked == "dtype=None" else "")
            return _("called with {asked}, your initializer returned dtype {dtype}; "
                     "expected {want}{why}. Convert at the end, e.g. "
                     "w.astype(keras.backend.standardize_dtype(dtype or keras.backend.floatx())) "
                     "(the notebook's float_dtype(dtype)), or pass dtype to keras.random.normal.").format(
                         asked=asked, dtype=values.dtype, want=want, why=why)
    return None


def seeding_compare(expected, got, call: Call) -> str | None:
    shape = tuple(call.kwargs["shape"])
    seed = call.kwargs["init"]["seed"]
    if not isinstance(got, tuple) or len(got) != 3:
        return _("expected three results")
    arrays = []
    for values in got:
        values, problem = _floating(values, _("your initializer's values"), shape)
        if problem:
            return problem
        arrays.append(values)
    a, b, c = arrays
    if not np.array_equal(a, b):
        share = float(np.mean(a != b))
        return _("two initializers made with seed={seed} gave different values ({share} of "
                 "the entries differ): the seed is not used, or not used from the start. Make the "
                 "generator from self.seed inside __call__ (np.random.default_rng(self.seed)), or "
                 "pass seed=self.seed to keras.random.normal; np.random.randn and an unseeded "
                 "generator ignore it.").format(seed=seed, share=f"{share:.0%}")
    if float(np.mean(a == c)) > 0.5:
        return _("seed={seed} and seed={other} gave the same values: your initializer does not "
                 "depend on its seed (a fixed seed inside the class?). Use self.seed.").format(seed=seed, other=seed + 1)
    return None


def _same_draws(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.array_equal(a, b)


def _two_sample_message(what: str, values: np.ndarray, reference: np.ndarray, ref_what: str) -> str | None:
    """None if two samples have the same standard deviation within sampling error."""
    s, r = float(values.std()), float(reference.std())
    tol = max(0.03, Z * math.sqrt(1.0 / (2 * values.size) + 1.0 / (2 * reference.size)))
    if r == 0 or abs(s / r - 1.0) > tol:
        return _("{what} have standard deviation {std}, but {ref_what} have "
                 "{ref_std}: they should come from the same distribution").format(
                     what=what, std=_g(s, 4), ref_what=ref_what, ref_std=_g(r, 4))
    return None


def config_compare(expected, got, call: Call) -> str | None:
    init, shape = call.kwargs["init"], tuple(call.kwargs["shape"])
    if not isinstance(got, dict):
        return _("expected a dict of results")
    for key, value in init.items():
        entry = got.get(f"config_{key}")
        entry = float(entry) if isinstance(entry, np.ndarray) and entry.size == 1 else math.nan
        if math.isnan(entry):
            return _("get_config() has no number under the key {key}: return the constructor's "
                     "arguments, {config}, so that from_config (which calls the class with **config) "
                     "rebuilds the initializer.").format(
                         key=repr(key), config="{" + ", ".join(repr(k) + ": self." + k for k in init) + "}")
        if entry != float(value):
            return _("get_config()[{key}] is {entry}, but the initializer was made with "
                     "{name}={value}").format(key=repr(key), entry=_g(entry, 6), name=key, value=repr(value))
    arrays = {}
    for key in ("clone", "fresh", "again"):
        what = _("the values of from_config(...)") if key == "clone" else _("the values of a new initializer")
        values, problem = _floating(got.get(key), what, shape)
        if problem:
            return problem
        arrays[key] = values
    if _same_draws(arrays["fresh"], arrays["again"]):
        if not np.array_equal(arrays["clone"], arrays["fresh"]):
            return _("the initializer rebuilt with from_config(get_config()) draws other values than "
                     "the original with the same seed={seed}: something the "
                     "constructor sets is missing from the config.").format(seed=repr(init.get("seed")))
        return None
    # Not deterministic (the seed checks grade that): at least the same distribution.
    return _two_sample_message(_("the values of from_config(get_config())"), arrays["clone"],
                               arrays["fresh"], _("the original's"))


def layers_compare(expected, got, call: Call) -> str | None:
    if not isinstance(got, dict):
        return _("expected a dict of results")
    shapes = {"dense": tuple(call.kwargs["dense"]), "conv": tuple(call.kwargs["conv"])}
    names = {"dense": "Dense", "conv": "Conv2D"}
    for key, shape in shapes.items():
        kernel, problem = _floating(got.get(key), _("the {layer} layer's kernel").format(layer=names[key]), shape)
        if problem:
            return problem
        fresh, problem = _floating(got.get(f"{key}_fresh"),
                                   _("your initializer called with shape {shape}").format(shape=shape), shape)
        if problem:
            return problem
        again = got.get(f"{key}_again")
        if isinstance(again, np.ndarray) and _same_draws(fresh, again.astype(np.float64)):
            scale = max(float(np.max(np.abs(fresh))), 1e-30)
            if not np.allclose(kernel, fresh, rtol=1e-6, atol=1e-7 * scale):
                return _("the {layer} layer's kernel differs from what your initializer returns "
                         "for the kernel's shape {shape} and dtype 'float32' with the same seed").format(
                             layer=names[key], shape=shape)
        else:
            message = _two_sample_message(_("the {layer} layer's kernel values").format(layer=names[key]), kernel,
                                          fresh, _("your initializer's own values for that shape"))
            if message:
                return message
    return None


# --- activation_stats --------------------------------------------------------------------------

INVERSES = {
    "sigmoid": (lambda a: np.log(a) - np.log1p(-a), (0.0, 1.0)),
    "tanh": (np.arctanh, (-1.0, 1.0)),
}


def _activations(got, kwargs) -> tuple[np.ndarray | None, str | None]:
    shape = (int(kwargs.get("n_layers", 5)), int(kwargs.get("n_samples", 1000)),
             int(kwargs.get("n_nodes", 100)))
    acts = got.get("activations") if isinstance(got, dict) else got
    if isinstance(acts, np.ndarray) and acts.shape != shape and acts.size == math.prod(shape):
        return None, _("activation_stats returned shape {got}; expected (n_layers, n_samples, "
                       "n_nodes) = {expected} (same number of values: a transpose or a reshape?)").format(
                           got=acts.shape, expected=shape)
    return _floating(acts, _("activation_stats' result"), shape)


def _weights(kwargs) -> list[np.ndarray]:
    n = int(kwargs.get("n_nodes", 100))
    return [grader_matrix(kwargs["stddev"], kwargs["weight_seed"], k, (n, n)).astype(np.float64)
            for k in range(int(kwargs.get("n_layers", 5)))]


def _recovered_inputs(acts: np.ndarray, w0: np.ndarray, activation: str):
    """The inputs x with g(x @ W_0) = layer 1, for an invertible g (None otherwise)."""
    if activation not in INVERSES:
        return None
    inverse, (low, high) = INVERSES[activation]
    first = acts[0]
    if np.any(first <= low) or np.any(first >= high):
        return None
    z = inverse(first)
    return np.linalg.solve(w0.T, z.T).T


def _close(a: np.ndarray, b: np.ndarray, rtol: float = 1e-4, atol: float = 1e-4) -> bool:
    return a.shape == b.shape and compare_arrays(b, a, rtol=rtol, atol=atol, exact=False) is None


def chain_compare(expected, got, call: Call) -> str | None:
    """Each layer is g(previous layer @ W) for the grader's W, one call per layer, N(0, 1) inputs."""
    kwargs = call.kwargs
    acts, problem = _activations(got, kwargs)
    if problem:
        return problem
    n_layers, n = acts.shape[0], acts.shape[2]
    calls = got.get("calls")
    if not isinstance(calls, np.ndarray) or calls.ndim != 2 or calls.shape[0] != n_layers \
            or not np.all(calls == n):
        count = calls.shape[0] if isinstance(calls, np.ndarray) and calls.ndim == 2 else "?"
        asked = [tuple(int(d) for d in row) for row in calls[:6]] if count != "?" else []
        return _("activation_stats called the initializer {count} times (shapes {asked}); expected "
                 "one call per layer, {layers} calls of initializer(({n}, {n}))").format(
                     count=count, asked=asked, layers=n_layers, n=n)
    activation = kwargs["activation"]
    g = ACTIVATIONS[activation]
    weights = _weights(kwargs)
    x = _recovered_inputs(acts, weights[0], activation)
    for layer in range(1, n_layers):
        previous, w = acts[layer - 1], weights[layer]
        want = g(previous @ w)
        mismatch = compare_arrays(want, acts[layer], rtol=1e-4, atol=1e-4, exact=False)
        if mismatch is None:
            continue
        text = _("layer {next} of your result is not {activation}(layer {layer} @ W{next}) "
                 "with W{next} the initializer's matrix number {next}: {mismatch}.").format(
                     next=layer + 1, activation=activation, layer=layer, mismatch=mismatch)
        if _close(acts[layer], previous @ w):
            text += _(" It equals layer {layer} @ W{next}: the activation is missing.").format(layer=layer, next=layer + 1)
        elif _close(acts[layer], g(previous @ w.T)):
            text += _(" It equals the activation of layer @ W transposed: use Keras' row "
                      "convention a = g(a_prev @ W).")
        elif x is not None and _close(acts[layer], g(x @ w), rtol=1e-3, atol=1e-3):
            text += _(" It equals the activation of (inputs @ W): every layer must read the previous "
                      "layer's activations, not the inputs x.")
        elif _close(acts[layer], g(previous @ w + 1.0)) or _close(acts[layer], g(previous @ w + 0.1)):
            text += _(" The layers have no bias.")
        return text
    if activation in INVERSES:
        low, high = INVERSES[activation][1]
        if x is None:
            return _("layer 1 holds values outside ({low}, {high}), which {activation} "
                     "cannot produce: layer 1 must be {activation}(x @ W1)").format(
                         low=_g(low), high=_g(high), activation=activation)
        mean, std = float(x.mean()), float(x.std())
        tol_mean, tol_std = 6.0 / math.sqrt(x.size) + 0.02, max(0.05, 6.0 / math.sqrt(2 * x.size))
        if abs(mean) > tol_mean or abs(std - 1.0) > tol_std:
            return _("the inputs behind your layer 1 (x with {activation}(x @ W1) = layer 1) have "
                     "mean {mean} and standard deviation {std}; expected N(0, 1) inputs: "
                     "np.random.default_rng(seed).standard_normal((n_samples, n_nodes)).").format(
                         activation=activation, mean=_g(mean), std=_g(std))
    return None


def layer_stats(acts: np.ndarray, activation: str) -> list[dict]:
    out = []
    for layer in acts:
        stats = {"mean": float(layer.mean()), "std": float(layer.std())}
        if activation == "sigmoid":
            stats["saturated"] = float(np.mean((layer < 0.01) | (layer > 0.99)))
            stats["near_half"] = float(np.mean(np.abs(layer - 0.5) < 0.05))
        out.append(stats)
    return out


LECTURE = {
    ("sigmoid", "stddev 1"): N_("with stddev 1 the sigmoid activations pile up at 0 and 1 (saturation)"),
    ("sigmoid", "stddev 0.01"): N_("with stddev 0.01 the sigmoid activations collapse near 0.5"),
    ("sigmoid", "Xavier"): N_("with Xavier's 1/sqrt(n) the sigmoid activations keep a broad spread in "
                              "every layer"),
    ("relu", "stddev 0.01"): N_("with stddev 0.01 the ReLU activations shrink layer after layer until "
                                "they vanish"),
    ("relu", "He"): N_("with He's sqrt(2/n) the ReLU activations keep the same spread in every layer"),
    ("relu", "Xavier"): N_("with Xavier's 1/sqrt(n) the ReLU activations shrink by about sqrt(2) per "
                           "layer"),
    ("tanh", "Xavier"): N_("with Xavier's 1/sqrt(n) the tanh activations keep a broad spread"),
}


DEFAULT_STORY = N_("each layer's spread follows from the weights")


def stats_compare(expected, got, call: Call) -> str | None:
    """Per-layer statistics equal the reference's (same weights, other random inputs)."""
    kwargs = call.kwargs
    acts, problem = _activations(got, kwargs)
    if problem:
        return problem
    ref, _unused = _activations(expected, kwargs)
    activation = kwargs["activation"]
    mine, theirs = layer_stats(acts, activation), layer_stats(ref, activation)
    story = _(LECTURE.get((activation, kwargs["label"]), DEFAULT_STORY))
    for layer, (m, r) in enumerate(zip(mine, theirs), start=1):
        problems = []
        if abs(m["std"] / r["std"] - 1.0) > 0.05:
            problems.append(_("standard deviation {got} (expected about {expected})").format(got=_g(m["std"]), expected=_g(r["std"])))
        if abs(m["mean"] - r["mean"]) > 0.05 * max(r["std"], abs(r["mean"])):
            problems.append(_("mean {got} (expected about {expected})").format(got=_g(m["mean"]), expected=_g(r["mean"])))
        if activation == "sigmoid":
            if abs(m["saturated"] - r["saturated"]) > 0.03:
                problems.append(_("{got} of the values below 0.01 or above 0.99 (expected about {expected})").format(
                    got=f"{m['saturated']:.0%}", expected=f"{r['saturated']:.0%}"))
            if abs(m["near_half"] - r["near_half"]) > 0.03:
                problems.append(_("{got} of the values within 0.05 of 0.5 (expected about {expected})").format(
                    got=f"{m['near_half']:.0%}", expected=f"{r['near_half']:.0%}"))
        if problems:
            return _("layer {layer} of your activations has {problems} — the expected values are the "
                     "reference's, with the same weight matrices and its own N(0, 1) inputs. The "
                     "lecture: {story}.").format(layer=layer, problems=", ".join(problems), story=story)
    return None


def activation_seeding_compare(expected, got, call: Call) -> str | None:
    if not isinstance(got, tuple) or len(got) != 3:
        return _("expected three results")
    arrays = []
    for values in got:
        values, problem = _activations(values, call.kwargs)
        if problem:
            return problem
        arrays.append(values)
    first, second, other = arrays
    seed = call.kwargs["seed"]
    if not np.array_equal(first, second):
        return _("two runs with seed={seed} (and the same weights) gave different activations: draw "
                 "the inputs from a generator seeded with seed, np.random.default_rng(seed)").format(seed=seed)
    if np.array_equal(first, other):
        return _("seed={seed} and seed={other} gave the same activations: the inputs must depend on seed").format(
            seed=seed, other=seed + 1)
    return None
