package io.dl4jrl.graphs.rl;

import io.dl4jrl.graphs.KeptLogits;
import io.dl4jrl.graphs.PolicyGraph;
import io.dl4jrl.graphs.TokenLogProbs;
import io.dl4jrl.graphs.ValueHead;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The whole RL loss as one graph piece:
 * {@code rl_loss = agg(policy) + β·agg(KL) − c_H·agg(H) + c_V·agg(value)}, each term a named scalar
 * ({@value #POLICY_LOSS}, {@value #KL}, {@value #ENTROPY}, {@value #VALUE_LOSS}) so listeners can read it,
 * plus the policy loss's own diagnostics (PPO: clip fraction, approx KL). Terms with coefficient 0 are not
 * built; the entropy is a diagnostic of the loss only with a bonus (its per-token variable
 * {@value EntropyBonus#TOKEN_ENTROPY} is always defined, for scoring passes).
 *
 * @param policyLoss        the per-token policy loss
 * @param aggregation       how per-token terms are reduced
 * @param constantLength    L_max for {@link LossAggregation#SEQ_MEAN_TOKEN_SUM_NORM}
 * @param klCoefficient     β of the KL-to-reference loss term (0 = none; a KL penalty in the reward is the trainer's business)
 * @param klEstimator       estimator of the KL term
 * @param entropyCoefficient c_H of the entropy bonus
 * @param valueCoefficient  c_V of the value loss (0 = no critic)
 * @param valueClip         ε_v of the clipped value loss (0 = unclipped)
 * @param temperature       sampling temperature the log-probs are computed at
 * @param keptPositions     log-probs and entropy only at the positions the feed's {@link KeptLogits} placeholders name
 *                          (the response tokens; no {@code [batch, time, vocab]} array), or at every position
 * @param importanceWeighted the per-token policy loss is multiplied by the fed constant weights
 *                          {@value RlInputs#IS_WEIGHTS} (the off-policy correction between sampler and trainer)
 * @param covariance        Clip-Cov / KL-Cov on the per-token policy loss (the selected tokens are fed)
 */
public record RlObjective(PolicyLoss policyLoss, LossAggregation aggregation, double constantLength, double klCoefficient,
                          KlEstimator klEstimator, double entropyCoefficient, double valueCoefficient, double valueClip,
                          double temperature, boolean keptPositions, boolean importanceWeighted, CovarianceControl covariance) {
    public static final String RL_LOSS = "rl_loss";
    public static final String POLICY_LOSS = "policy_loss";
    public static final String KL = "kl";
    public static final String ENTROPY = "entropy";
    public static final String VALUE_LOSS = "value_loss";

    public RlObjective {
        Objects.requireNonNull(policyLoss, "policyLoss");
        Objects.requireNonNull(aggregation, "aggregation");
        Objects.requireNonNull(klEstimator, "klEstimator");
        Objects.requireNonNull(covariance, "covariance");
        requireNonNegative("klCoefficient", klCoefficient);
        requireNonNegative("entropyCoefficient", entropyCoefficient);
        requireNonNegative("valueCoefficient", valueCoefficient);
        requireNonNegative("valueClip", valueClip);
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
    }

    private static void requireNonNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0, got " + v);
        }
    }

    /** The attached loss: its variable name and the names of every scalar diagnostic. */
    public record Attached(String loss, List<String> diagnostics) {
    }

    /**
     * Adds the loss to the policy's graph (token log-probs, placeholders, terms) and marks it as the loss.
     *
     * @param width hidden width; needed only when {@code valueCoefficient > 0} and no value head is attached yet
     */
    public Attached attach(PolicyGraph policy, int vocabSize, int width) {
        SameDiff sd = policy.sameDiff();
        SDVariable logProbs = sd.hasVariable(TokenLogProbs.TOKEN_LOGPROBS) ? sd.getVariable(TokenLogProbs.TOKEN_LOGPROBS)
                : keptPositions ? TokenLogProbs.attachKept(policy, vocabSize, temperature)
                : TokenLogProbs.attach(policy, vocabSize, temperature);
        RlInputs in = new RlInputs(sd, logProbs.dataType());
        List<String> diagnostics = new ArrayList<>();

        SDVariable perToken = covariance.apply(in, policyLoss.perToken(in, logProbs), logProbs);
        if (importanceWeighted) {
            perToken = perToken.mul(in.importanceWeights()); // a placeholder: constant, so only a weight on each token's gradient
        }
        SDVariable total = aggregation.aggregate(in, perToken, constantLength, POLICY_LOSS);
        diagnostics.add(POLICY_LOSS);
        diagnostics.addAll(policyLoss.diagnostics());

        // The entropy is a loss-path diagnostic only with a bonus; otherwise trainers read token_entropy when scoring.
        SDVariable tokenEntropy = keptPositions ? EntropyBonus.attachKept(policy, vocabSize, temperature)
                : EntropyBonus.attach(sd, policy.logitsVariable(), temperature);
        if (entropyCoefficient > 0) {
            in.maskedMean(ENTROPY, tokenEntropy);
            diagnostics.add(ENTROPY);
            SDVariable aggregated = aggregation.aggregate(in, tokenEntropy, constantLength, "entropy_term");
            total = total.sub(aggregated.mul(entropyCoefficient));
        }
        if (klCoefficient > 0) {
            SDVariable kl = aggregation.aggregate(in, klEstimator.perToken(sd, logProbs, in.refLogProbs()), constantLength, KL);
            total = total.add(kl.mul(klCoefficient));
            diagnostics.add(KL);
        }
        if (valueCoefficient > 0) {
            SDVariable values = sd.hasVariable(ValueHead.VALUES) ? sd.getVariable(ValueHead.VALUES) : ValueHead.attach(policy, width);
            SDVariable v = aggregation.aggregate(in, ValueLoss.perToken(in, values, valueClip), constantLength, VALUE_LOSS);
            total = total.add(v.mul(valueCoefficient));
            diagnostics.add(VALUE_LOSS);
        }
        SDVariable loss = sd.identity(RL_LOSS, total);
        sd.setLossVariables(loss);
        return new Attached(RL_LOSS, List.copyOf(diagnostics));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Defaults: PPO clip ε 0.2, token-mean, no KL term (k3 when on), no entropy bonus, no critic, temperature 1,
     * log-probs at kept positions only, no importance weights.
     */
    public static final class Builder {
        private PolicyLoss policyLoss = new PpoClipLoss();
        private LossAggregation aggregation = LossAggregation.TOKEN_MEAN;
        private double constantLength = 0;
        private double klCoefficient = 0;
        private KlEstimator klEstimator = KlEstimator.K3;
        private double entropyCoefficient = 0;
        private double valueCoefficient = 0;
        private double valueClip = 0.2;
        private double temperature = 1.0;
        private boolean keptPositions = true;
        private boolean importanceWeighted = false;
        private CovarianceControl covariance = CovarianceControl.none();

        public Builder policyLoss(PolicyLoss v) { policyLoss = v; return this; }
        public Builder aggregation(LossAggregation v) { aggregation = v; return this; }
        public Builder constantLength(double v) { constantLength = v; return this; }
        public Builder klCoefficient(double v) { klCoefficient = v; return this; }
        public Builder klEstimator(KlEstimator v) { klEstimator = v; return this; }
        public Builder entropyCoefficient(double v) { entropyCoefficient = v; return this; }
        public Builder valueCoefficient(double v) { valueCoefficient = v; return this; }
        public Builder valueClip(double v) { valueClip = v; return this; }
        public Builder temperature(double v) { temperature = v; return this; }
        public Builder keptPositions(boolean v) { keptPositions = v; return this; }
        public Builder importanceWeighted(boolean v) { importanceWeighted = v; return this; }
        public Builder covariance(CovarianceControl v) { covariance = v; return this; }

        public RlObjective build() {
            return new RlObjective(policyLoss, aggregation, constantLength, klCoefficient, klEstimator, entropyCoefficient,
                    valueCoefficient, valueClip, temperature, keptPositions, importanceWeighted, covariance);
        }
    }
}
