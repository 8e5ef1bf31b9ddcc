package io.dl4jrl.graphs;

import java.util.Objects;

/**
 * Rotary-embedding frequency scaling for contexts longer than pre-training's, as Hugging Face's
 * {@code rope_scaling}: {@code linear} divides every frequency by {@code factor} (positions interpolated);
 * {@code llama3} (Llama 3.1/3.2) leaves high frequencies (wavelength below originalMaxPositions / highFreqFactor)
 * alone, divides low ones (wavelength above originalMaxPositions / lowFreqFactor) by {@code factor} and blends
 * linearly in between.
 */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions)
        implements java.io.Serializable {

    public RopeScaling {
        Objects.requireNonNull(type, "type");
        if (!type.equals("linear") && !type.equals("llama3")) {
            throw new IllegalArgumentException("rope scaling type must be linear or llama3, got '" + type + "'");
        }
        if (!(factor >= 1)) {
            throw new IllegalArgumentException("rope scaling factor must be >= 1, got " + factor);
        }
        if (type.equals("llama3") && (!(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor) || originalMaxPositions <= 0)) {
            throw new IllegalArgumentException("llama3 rope scaling needs 0 < low_freq_factor < high_freq_factor and "
                    + "original_max_position_embeddings > 0, got " + lowFreqFactor + ", " + highFreqFactor + ", " + originalMaxPositions);
        }
    }

    public static RopeScaling linear(double factor) {
        return new RopeScaling("linear", factor, 0, 0, 0);
    }

    public static RopeScaling llama3(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {
        return new RopeScaling("llama3", factor, lowFreqFactor, highFreqFactor, originalMaxPositions);
    }

    /** The scaled frequency (radians per position). */
    public double scale(double frequency) {
        if (type.equals("linear")) {
            return frequency / factor;
        }
        double wavelength = 2 * Math.PI / frequency;
        double lowFreqWavelength = originalMaxPositions / lowFreqFactor;
        double highFreqWavelength = originalMaxPositions / highFreqFactor;
        if (wavelength < highFreqWavelength) {
            return frequency;
        }
        if (wavelength > lowFreqWavelength) {
            return frequency / factor;
        }
        double smooth = (originalMaxPositions / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        return (1 - smooth) * frequency / factor + smooth * frequency;
    }
}
