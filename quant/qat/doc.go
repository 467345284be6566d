// Package qat trains mulm models with quantization-aware training (QAT)
// in pure Go. The float forward pass it trains mirrors, operation for
// operation, the integer pipeline that package infer and the Z80 engines
// run, so the model that is picked and saved is judged by exactly what the
// Z80 will print.
//
// # The mirror
//
// Master weights are float32 kept in integer units: the exported weight
// is clamp(round(w), −2, +1) and the exported bias round(b) (accumulator
// units). There is no per-layer scale to reconcile with the integer model,
// which has none (its only scaling is the fixed right shift by 2): the
// float model is the integer model with real-valued weights. A forward pass
// at quantization phase α uses
//
//	w_eff = (1−α)·w + α·Q(w),  b_eff likewise,
//	x     = the trigram buckets (multiples of 32, as the encoder makes them),
//	acc   = b_eff + Σ w_eff·x,
//	y     = acc/4 − α·frac(acc/4)   (the floor of the shift, phased in),
//	ReLU on hidden layers; logits are the last layer's y.
//
// At α = 1 every quantity is an integer below 2^24 and float32 computes it
// exactly, so the forward pass equals the integer model's (as long as no
// accumulator leaves int16; TestMirror checks every activation against
// infer). Rounding and the floor pass gradients straight through (STE):
// d Q(w)/dw = 1, dy/dacc = 1/4; master weights are clipped to
// [−2.5, 1.5] so that clipped weights can still move back. Accumulators
// beyond ±30000 add a quadratic penalty so that the integer model's
// accumulators stay inside int16 (the training log reports the share that
// actually overflows in the integer model).
//
// The loss is cross-entropy of softmax(logits/T) (T = 4 by default: the
// integer logits are in units of 1, so T sets the margin the loss asks
// for), optionally with label smoothing and class weights.
//
// # Examples
//
// A pair (query, response) gives one example per generated character plus
// EOS: input = the encoding of the query and the response's prefix, target
// = the next character. Examples whose encoded inputs are identical (case
// folding, only the last 8 characters count) are merged and their targets
// weighted by count, so duplicated and contradicting pairs become one
// example with a target distribution. An example is stored as the pair
// that first gave it and the length of the response prefix (about 25 bytes
// with its targets) and re-encoded when it is used; inputs are told apart
// by a 128-bit hash of their non-zero entries while the set is built, so a
// 50 MB data file trains within 2 GB (data of more than 15 M query and
// response-prefix steps is refused up front). Layer-1 inputs have only 20–40
// non-zeros out of 256, and after ReLU a good share of hidden activations
// is zero too: the kernels walk only non-zero inputs, in the forward pass,
// the weight gradient and the input gradient alike (weights are stored
// transposed, In×Out, so each walk is a contiguous axpy or dot).
//
// # Schedule and optimizer
//
// AdamW (decoupled weight decay on weights only; biases have their own
// step size), mini-batches, a cosine learning-rate decay after a short
// warm-up. Quantization is phased in from QuantStart (30 %) to 100 % over
// the first QuantRamp (80 %) of the run and then stays full, so the last
// fifth trains the exact integer forward pass through the STE. With a time
// limit, "the run" is whichever of epochs and wall time is further along,
// so a time-limited run still completes its schedule.
//
// Each mini-batch is split into Config.Shards fixed contiguous shares
// (default 2); each share's gradient is summed on its own, whichever
// goroutine computes it, and the shares are added in order. A run is
// therefore bit-for-bit reproducible for a seed and shard count on any
// machine and with any number of workers (without a time limit, whose
// schedule follows the clock). With the default of 2 shards a run gives the
// same model as earlier versions did with 2 workers.
//
// With a Deadline (mulm train -time sets it to the end of the whole
// command) training stops early enough for the final evaluation, whose cost
// is measured, to end by then.
//
// # Sampling by difficulty
//
// With Config.EasyKeep (mulm train -easy-keep) an epoch trains every
// example that was hard when last trained (cross-entropy ≥ EasyLoss) and
// each easy one with probability EasyKeep, drawn from the seed's random
// stream: most of a run's examples are learnt early (on the original's
// guess data, every character after a reply's first), and skipping most of
// them spends the time on the rest. The recorded losses are those of the
// weights of the time, so an easy example that is forgotten is found again
// when it is next sampled. The run stays one model per seed (the losses
// come from the fixed shards).
//
// # Query noise
//
// With Config.Noise (mulm train -noise P) each training pair's query is
// replaced, with probability P in each epoch, by a perturbed copy: a
// letter dropped, doubled, swapped with the next or replaced, two words
// run together, a space put inside a word, a word left out, or two
// neighbouring words swapped. The draw depends on the seed, the epoch and
// the pair only (every step of a pair sees the same copy in an epoch; the
// run stays one model per seed), and the examples keep their targets.
// Noise stops at Config.NoiseStop of the run (default 0.8), so that the
// last epochs fit the clean phrasings.
//
// # Model selection
//
// After an epoch (see Config.EvalEvery for which) the current weights are exported
// and measured with package eval (every distinct query answered with infer's
// Reply); the sequence exact-match (generated reply equals the expected one)
// on the held-out pairs, or the training pairs when there are none, chooses
// the best model; with Config.MinExact (mulm train -min-exact) only among
// the epochs whose training exact-match reaches it, once one does. Per-character accuracy of the exact integer model and the
// overflow share come from infer's Model.Forward over the examples. On large
// data the training exact-match uses a fixed sample of MaxEvalQueries
// queries and the integer statistics MaxStatExamples examples.
//
// # Checkpoints
//
// A float checkpoint is the 8 bytes "MULMQAT\n" followed by one gob value
// (version 1): layer sizes, charset, generation limit, the flat parameter
// vector (all weights, each layer transposed In×Out, then all biases), the
// Adam moments, the step and epoch counters, elapsed time, the shuffling
// generator's state, the best model so far with its metrics and, with
// Config.EasyKeep, every example's recorded loss. Resume
// continues such a run exactly; given a .mulm file it fine-tunes that
// model, starting from its integer weights.
//
// Package dataset parses the query|response files and computes class
// statistics, the exact-match ceiling and balanced resamplings.
package qat
