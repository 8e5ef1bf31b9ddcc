package io.dl4jrl.health;

/**
 * KL blow-up: the policy's KL to its frozen reference per response token ({@code kl_to_reference}, the k-estimator the
 * run uses) above a bound. Silent in runs without a reference (DAPO, GSPO, CISPO keep none).
 */
final class KlBlowUp extends AboveSignal {
    KlBlowUp(HealthConfig c) {
        super("kl_to_reference", c.klMax());
    }

    @Override
    public String name() {
        return "kl_blowup";
    }
}
