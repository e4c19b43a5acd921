"""Rubric for cross_entropy: information theory and the cross-entropy objective
(§2.2.6, §5.1.1–5.1.2).

One group of checks per graded function (1 self_information, 2 entropy, 3 cross_entropy,
4 kl_divergence, 5 sigmoid, 6 binary_cross_entropy, 7 mse_gradients, 8 bce_gradients,
9 numerical_gradient, 10 gaussian_pdf, 11 log_likelihood). Each check isolates one behaviour,
so a typical mistake loses only the checks that name it:

- the lecture's worked numbers are visible checks of their own (x.1);
- the default base (bits for the information measures, nats for the binary cross-entropy) and
  other bases are exercised on every value check, so a wrong or ignored base fails those;
- outcomes with p = 0 appear only in the checks that say so (2.3, 4.3), graded on the values
  (0, not NaN): the spec promises no warnings for the sigmoid and the cross-entropy only, so
  only the large-|z| sigmoid checks (5.2, 5.3) and the o = 0 / o = 1 binary cross-entropy
  check (6.3) also fail on a NumPy RuntimeWarning;
- only 6.3 puts o at exactly 0 or 1; only 7.2/8.2 (hidden) use saturated neurons;
- numerical_gradient is graded on functions with curvature (cubic and exponential terms) with
  a tolerance of 1e-6 (relative to the gradient's size), far below a forward difference's error
  (about h/2 f'' = 5e-5 f'') and far above the rounding differences between two correct central
  differences; 9.3 checks that ``w`` is unchanged (to 1e-12) and that the gradient is roughly
  right (1e-2, so a forward difference passes there) on 1-D w only (a loop that mishandles
  2-D arrays loses 9.2 and 9.4, not 9.3 as well); only 9.4 (hidden) has cross terms, where
  a w left perturbed after each entry shifts the later entries' differences.

Forbidden: the library versions of what is taught (spec). The sandbox's tripwires fire on
direct calls from student code, so ``scipy.stats.norm(mu, sigma).pdf(x)`` (a frozen
distribution, whose ``pdf`` scipy calls internally) is not caught; ``norm.pdf`` is.

Hidden checks re-test the same behaviours on other shapes, bases and seeds.

The case generators (and the lecture's distributions) are in ``cross_entropy_cases.py``, the
mistakes and their hints in ``cross_entropy_diagnoses.py``; this file lists the checks.

Which student functions each check calls: every check calls only the function it grades
(scenario ``call``, or the numerical_gradient scenarios with the grader's own scalar function);
what that function calls of the student's own code (bce_gradients calling their sigmoid, say)
is the student's design, not a chain of the grader's.
"""
from __future__ import annotations

from autograder.engine.rubric import Check, Rubric
from autograder.exercises.cross_entropy import compare_gradient_and_w
from autograder.rubrics.cross_entropy_cases import (  # noqa: F401 (the lecture's distributions, for tests)
    COIN, FAIR_DIE, LOADED_DIE, YUT, _numgrad_call,
)
from autograder.rubrics.cross_entropy_cases import (
    cases_self_information, cases_entropy_lecture, cases_entropy_batch,
    cases_entropy_zeros, cases_entropy_hidden, cases_cross_entropy_lecture,
    cases_cross_entropy_batch, cases_kl_lecture, cases_kl_batch, cases_kl_zeros,
    cases_sigmoid_moderate, cases_sigmoid_large, cases_sigmoid_hidden, cases_bce_lecture,
    cases_bce_random, cases_bce_clipping, cases_bce_hidden, cases_gradients,
    cases_gradients_saturated, cases_numgrad_1d, cases_numgrad_2d, cases_numgrad_unchanged,
    cases_numgrad_hidden, cases_gaussian_lecture, cases_gaussian_random, cases_log_likelihood,
    cases_log_likelihood_tails, cases_log_likelihood_hidden,
)
from autograder.rubrics.cross_entropy_diagnoses import (
    D_SI_NATS, D_SI_BITS, D_SI_SIGN, D_H_NATS, D_H_BITS, D_H_SIGN, D_H_ALL_AXES, D_H_AXIS0,
    D_CE_NATS, D_CE_BITS, D_CE_SIGN, D_CE_SWAPPED, D_CE_AXIS0, D_KL_REVERSED, D_KL_NATS, D_KL_BITS,
    D_KL_SIGN, D_KL_IS_CE, D_KL_PLUS_H, D_SIGMOID_MINUS, D_BCE_NATS, D_BCE_BITS_DEFAULT, D_BCE_SIGN,
    D_BCE_ONE_TERM, D_BCE_BATCH_MEAN, D_BCE_EPS_IGNORED, D_MSE_NO_SIGMA_PRIME, D_MSE_SIGN,
    D_MSE_NO_X, D_MSE_SWAPPED, D_BCE_GRAD_SIGMA_PRIME, D_BCE_GRAD_SIGN, D_BCE_GRAD_NO_X,
    D_BCE_GRAD_SWAPPED, D_NG_ROWS, D_NG_NOT_RESTORED, NG_DIAGNOSES, GAUSS_DIAGNOSES,
    LL_DIAGNOSES,
)

# --- the rubric --------------------------------------------------------------------------

_H_HINT = ("H(P) = -sum p log_base p over the last axis (axis=-1), with log_base p = ln p / ln(base); "
           "base=2 (bits) by default.")
_ZERO_HINT = ("Outcomes with p = 0 contribute 0 (the limit of p log p): don't compute log(0) at all. "
              "Take the log of np.where(p > 0, p, 1) and zero those terms; np.nansum still computes "
              "log(0) and 0 * inf, which NumPy warns about.")
_CE_HINT = "H(P, Q) = -sum p log_base q over the last axis; p is the true distribution, q the model."
_KL_HINT = ("D_KL(P || Q) = sum p log_base(p / q) over the last axis = H(P, Q) - H(P) (eq. 2.49); "
            "it is not symmetric.")
_SIGMOID_LARGE_HINT = (
    "np.exp(-z) overflows for z < -709: compute e = np.exp(-np.abs(z)) (always <= 1) and return "
    "1 / (1 + e) where z >= 0 and e / (1 + e) where z < 0. np.where(cond, A, B) evaluates both A and "
    "B on the whole array, so 1 / (1 + np.exp(-z)) inside np.where still overflows.")
_BCE_HINT = "-(y log o + (1 - y) log(1 - o)) / ln(base), elementwise (no mean), natural log by default."
_BCE_CLIP_HINT = ("Clip o to [eps, 1 - eps] (np.clip(o, eps, 1 - eps)) before the logarithms, with the "
                  "eps argument: log(0) is -inf, and 0 * log(0) is NaN.")
_MSE_HINT = ("e = 1/2 (y - o)^2 with o = sigmoid(z), z = w x + b: de/db = (o - y) sigma'(z) with "
             "sigma'(z) = o (1 - o), and de/dw = de/db * x (eq. 5.3).")
_BCE_GRAD_HINT = "For the cross-entropy sigma'(z) cancels: de/dw = x (o - y), de/db = o - y (eq. 5.5)."
_NG_HINT = ("Central differences, one entry at a time: grad[i] = (f(w + h e_i) - f(w - h e_i)) / (2h), "
            "where e_i is 1 at index i (np.ndindex(w.shape) visits every index of any shape).")
_NG_W_HINT = ("Don't change the caller's w: perturb a copy (w.copy()), or restore each entry after "
              "its two evaluations (old = w[i]; ...; w[i] = old). v = w is not a copy.")
_GAUSS_HINT = "N(x; mu, sigma) = exp(-(x - mu)^2 / (2 sigma^2)) / (sigma sqrt(2 pi)), sigma the standard deviation."
_LL_HINT = ("log L = sum_i ln N(x_i; mu, sigma) = sum_i [-(x_i - mu)^2 / (2 sigma^2) - ln sigma - "
            "ln sqrt(2 pi)], a float (natural log, sum, not mean).")

RUBRIC = Rubric(
    assignment="cross_entropy",
    forbidden_hint="write it with elementary math from NumPy, math or keras.ops (exp, log, sum, ...)",
    checks=(
        # 1. self_information
        Check("1.1", "self_information: -log p in bits by default and in other bases", "self_information",
              0.5, cases_self_information, seed=1101,
              hint="I(p) = -log_base p = -ln p / ln(base), elementwise; base=2 gives bits.",
              diagnoses=(D_SI_NATS, D_SI_BITS, D_SI_SIGN)),
        # 2. entropy
        Check("2.1", "entropy: lecture examples (yut 2.0306 bits, die 2.585 bits, coin 0.693 nats, "
              "die 1.79 nats)", "entropy", 0.5, cases_entropy_lecture, seed=2101,
              hint="Yut P = (4, 6, 4, 1, 1) / 16 gives 2.0306 bits, a fair die log2 6 = 2.585 bits = "
                   "ln 6 = 1.79 nats, a coin ln 2 = 0.693 nats. " + _H_HINT,
              diagnoses=(D_H_NATS, D_H_BITS, D_H_SIGN)),
        Check("2.2", "entropy: batches of distributions along the last axis", "entropy", 0.5,
              cases_entropy_batch, seed=2201, hint=_H_HINT,
              diagnoses=(D_H_ALL_AXES, D_H_AXIS0, D_H_NATS, D_H_SIGN)),
        Check("2.3", "entropy: outcomes with p = 0 contribute 0 (no NaN)", "entropy", 0.5,
              cases_entropy_zeros, seed=2301, hint=_ZERO_HINT,
              diagnoses=(D_H_ALL_AXES, D_H_NATS, D_H_SIGN)),
        Check("2.4", "entropy: other bases (3, 10, e) and shapes", "entropy", 0.5,
              cases_entropy_hidden, seed=2401, hidden=True, hint=_H_HINT,
              diagnoses=(D_H_BITS, D_H_NATS, D_H_ALL_AXES, D_H_AXIS0, D_H_SIGN)),
        # 3. cross_entropy
        Check("3.1", "cross_entropy: fair die P vs loaded die Q, H(P, Q) = 2.7925 bits", "cross_entropy",
              0.5, cases_cross_entropy_lecture, seed=3101,
              hint="With Q = (1, 1, 1, 3, 3, 3) / 12: H(P, Q) = 1/2 log2 12 + 1/2 log2 4 = 2.7925 bits; "
                   "H(P, P) = H(P) = 2.585 bits. " + _CE_HINT,
              diagnoses=(D_CE_SWAPPED, D_CE_NATS, D_CE_SIGN)),
        Check("3.2", "cross_entropy: batches along the last axis, one-hot targets, other bases",
              "cross_entropy", 0.5, cases_cross_entropy_batch, seed=3201, hint=_CE_HINT,
              diagnoses=(D_CE_SWAPPED, D_CE_AXIS0, D_CE_NATS, D_CE_BITS, D_CE_SIGN)),
        # 4. kl_divergence
        Check("4.1", "kl_divergence: fair die P vs loaded die Q, D_KL(P || Q) = 0.2075 bits; "
              "D_KL(P || P) = 0", "kl_divergence", 0.5, cases_kl_lecture, seed=4101,
              hint="D_KL(P || Q) = H(P, Q) - H(P) = 2.7925 - 2.585 = 0.2075 bits. " + _KL_HINT,
              diagnoses=(D_KL_REVERSED, D_KL_IS_CE, D_KL_PLUS_H, D_KL_NATS, D_KL_SIGN)),
        Check("4.2", "kl_divergence: batches along the last axis and other bases", "kl_divergence", 0.5,
              cases_kl_batch, seed=4201, hint=_KL_HINT,
              diagnoses=(D_KL_REVERSED, D_KL_IS_CE, D_KL_PLUS_H, D_KL_NATS, D_KL_BITS, D_KL_SIGN)),
        Check("4.3", "kl_divergence: outcomes with p = 0 contribute 0 (no NaN)",
              "kl_divergence", 0.5, cases_kl_zeros, seed=4301, hidden=True,
              hint=_ZERO_HINT.replace("p log p", "p log(p / q)"),
              diagnoses=(D_KL_REVERSED, D_KL_IS_CE, D_KL_SIGN)),
        # 5. sigmoid
        Check("5.1", "sigmoid: values for moderate z, scalars and arrays of any shape", "sigmoid", 0.5,
              cases_sigmoid_moderate, seed=5101, hint="sigmoid(z) = 1 / (1 + exp(-z)), elementwise.",
              diagnoses=(D_SIGMOID_MINUS,)),
        Check("5.2", "sigmoid: z = +-1000 and other large |z| without overflow warnings", "sigmoid", 0.5,
              cases_sigmoid_large, seed=5201, hint=_SIGMOID_LARGE_HINT, fail_on_warning=True,
              diagnoses=(D_SIGMOID_MINUS,)),
        Check("5.3", "sigmoid: float32 inputs and extreme z (up to 1e4) without overflow warnings",
              "sigmoid", 0.5, cases_sigmoid_hidden, seed=5301, hidden=True, fail_on_warning=True,
              hint=_SIGMOID_LARGE_HINT + " In float32, exp already overflows for z > 88.",
              diagnoses=(D_SIGMOID_MINUS,)),
        # 6. binary_cross_entropy
        Check("6.1", "binary_cross_entropy: lecture examples in bits (y = 1: o = 0.98 -> 0.0291, "
              "o = 0.0001 -> 13.2877)", "binary_cross_entropy", 0.5, cases_bce_lecture, seed=6101,
              hint="With base=2: -log2 0.98 = 0.0291 bits, -log2 0.0001 = 13.2877 bits. " + _BCE_HINT,
              diagnoses=(D_BCE_NATS, D_BCE_ONE_TERM, D_BCE_SIGN, D_BCE_BATCH_MEAN)),
        Check("6.2", "binary_cross_entropy: elementwise on arrays, soft labels, natural log by default",
              "binary_cross_entropy", 0.5, cases_bce_random, seed=6201, hint=_BCE_HINT,
              diagnoses=(D_BCE_BITS_DEFAULT, D_BCE_ONE_TERM, D_BCE_SIGN, D_BCE_BATCH_MEAN)),
        Check("6.3", "binary_cross_entropy: o = 0 and o = 1 exactly are clipped to [eps, 1 - eps] "
              "(finite, no warning)", "binary_cross_entropy", 0.5, cases_bce_clipping, seed=6301,
              hint=_BCE_CLIP_HINT, fail_on_warning=True,
              # 2e-2: clipping in float32 rounds 1 - 1e-7 to 1 - 1.19e-7 (Keras does the same: 1.1%);
              # a missing or wrong eps is off by far more, or infinite.
              rtol=2e-2,
              diagnoses=(D_BCE_EPS_IGNORED, D_BCE_BITS_DEFAULT, D_BCE_ONE_TERM, D_BCE_SIGN)),
        Check("6.4", "binary_cross_entropy: soft labels, bases 2 and 10, other shapes",
              "binary_cross_entropy", 0.5, cases_bce_hidden, seed=6401, hidden=True, hint=_BCE_HINT,
              diagnoses=(D_BCE_NATS, D_BCE_BITS_DEFAULT, D_BCE_ONE_TERM, D_BCE_SIGN, D_BCE_BATCH_MEAN)),
        # 7. mse_gradients
        Check("7.1", "mse_gradients: (de/dw, de/db) of 1/2 (y - sigmoid(wx + b))^2 (eq. 5.3), scalars "
              "and arrays", "mse_gradients", 0.5, cases_gradients, seed=7101, hint=_MSE_HINT,
              diagnoses=(D_MSE_NO_SIGMA_PRIME, D_MSE_SIGN, D_MSE_NO_X, D_MSE_SWAPPED)),
        Check("7.2", "mse_gradients: saturated neurons (|wx + b| large): the gradient vanishes",
              "mse_gradients", 0.5, cases_gradients_saturated, seed=7201, hidden=True, hint=_MSE_HINT,
              diagnoses=(D_MSE_NO_SIGMA_PRIME, D_MSE_SIGN, D_MSE_NO_X, D_MSE_SWAPPED)),
        # 8. bce_gradients
        Check("8.1", "bce_gradients: (x (o - y), o - y) for the cross-entropy (eq. 5.5), scalars and "
              "arrays", "bce_gradients", 0.5, cases_gradients, seed=8101, hint=_BCE_GRAD_HINT,
              diagnoses=(D_BCE_GRAD_SIGMA_PRIME, D_BCE_GRAD_SIGN, D_BCE_GRAD_NO_X, D_BCE_GRAD_SWAPPED)),
        Check("8.2", "bce_gradients: saturated neurons still get a gradient of size |o - y|",
              "bce_gradients", 0.5, cases_gradients_saturated, seed=8201, hidden=True,
              hint=_BCE_GRAD_HINT,
              diagnoses=(D_BCE_GRAD_SIGMA_PRIME, D_BCE_GRAD_SIGN, D_BCE_GRAD_NO_X, D_BCE_GRAD_SWAPPED)),
        # 9. numerical_gradient
        Check("9.1", "numerical_gradient: central differences on a 1-D w (functions with curvature)",
              "numerical_gradient", 0.5, cases_numgrad_1d, seed=9101, hint=_NG_HINT,
              scenario="cross_entropy:numerical_gradient_of", rtol=1e-6, atol=1e-6,
              diagnoses=NG_DIAGNOSES),
        Check("9.2", "numerical_gradient: w of any shape (2-D): one entry at a time, w's shape",
              "numerical_gradient", 0.5, cases_numgrad_2d, seed=9201, hint=_NG_HINT,
              scenario="cross_entropy:numerical_gradient_of", rtol=1e-6, atol=1e-6,
              diagnoses=(D_NG_ROWS,) + NG_DIAGNOSES),
        Check("9.3", "numerical_gradient: leaves w unchanged (1-D w)", "numerical_gradient", 0.5,
              cases_numgrad_unchanged, seed=9301, hint=_NG_W_HINT,
              scenario="cross_entropy:numerical_gradient_and_w", compare=compare_gradient_and_w),
        Check("9.4", "numerical_gradient: functions with cross terms, 1-D to 3-D w", "numerical_gradient",
              0.5, cases_numgrad_hidden, seed=9401, hidden=True,
              hint=_NG_HINT + " Restore w (or use a copy) after each entry: the next evaluations need "
                              "the other entries at their original values.",
              scenario="cross_entropy:numerical_gradient_of", rtol=1e-6, atol=1e-6,
              diagnoses=(D_NG_ROWS, D_NG_NOT_RESTORED) + NG_DIAGNOSES),
        # 10. gaussian_pdf
        Check("10.1", "gaussian_pdf: lecture's cat weights (N(4, 0.5) at 5 -> 0.108, N(5, 0.5) at 5 -> "
              "0.7979)", "gaussian_pdf", 0.5, cases_gaussian_lecture, seed=10101,
              hint="sigma = 0.5 is the standard deviation: N(5; 4, 0.5) = exp(-2) / (0.5 sqrt(2 pi)) = 0.108. "
                   + _GAUSS_HINT, diagnoses=GAUSS_DIAGNOSES),
        Check("10.2", "gaussian_pdf: arrays, broadcasting x against mu and sigma", "gaussian_pdf", 0.5,
              cases_gaussian_random, seed=10201, hint=_GAUSS_HINT, diagnoses=GAUSS_DIAGNOSES),
        # 11. log_likelihood
        Check("11.1", "log_likelihood: sum of the natural-log densities, a float", "log_likelihood", 0.5,
              cases_log_likelihood, seed=11101, hint=_LL_HINT, diagnoses=LL_DIAGNOSES),
        Check("11.2", "log_likelihood: many samples (a product of densities would underflow)",
              "log_likelihood", 0.5, cases_log_likelihood_hidden, seed=11201, hidden=True,
              hint="The log of a product of many densities underflows: the product is 0 in floating "
                   "point and log(0) = -inf. Sum the log-densities, computed directly. " + _LL_HINT,
              diagnoses=LL_DIAGNOSES),
        Check("11.3", "log_likelihood: samples far in the tails (each density underflows to 0 on its own)",
              "log_likelihood", 0.5, cases_log_likelihood_tails, seed=11301,
              hint="Compute each log-density directly, -((x - mu) / sigma)**2 / 2 - ln(sigma) - ln(2 pi) / 2, "
                   "not as log(gaussian_pdf(...)): 40 standard deviations out the density is 0 in "
                   "floating point and its log -inf, while the log-density is a finite -800. " + _LL_HINT,
              diagnoses=()),
    ),
    forbidden=(
        "scipy.stats.entropy",
        "scipy.stats.norm.pdf",
        "scipy.stats.norm.logpdf",
        "scipy.special.expit",
        "scipy.special.log_expit",
        "scipy.special.xlogy",
        "scipy.special.xlog1py",
        "scipy.special.entr",
        "scipy.special.rel_entr",
        "scipy.special.kl_div",
        "keras.losses.*",
        "keras.losses.BinaryCrossentropy",
        "keras.losses.CategoricalCrossentropy",
        "keras.losses.KLDivergence",
        "keras.losses.MeanSquaredError",
        "keras.ops.sigmoid",
        "keras.ops.binary_crossentropy",
        "keras.activations.sigmoid",
        "tensorflow.nn.*",  # tf.nn.sigmoid is also tf.sigmoid and tf.math.sigmoid
        "tensorflow.GradientTape",
    ),
    needs_tensorflow=False,
    timeout=10.0,
)
