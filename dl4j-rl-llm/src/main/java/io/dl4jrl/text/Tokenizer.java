package io.dl4jrl.text;

/**
 * Turns text into token ids and back. Implementations are immutable and thread-safe.
 *
 * <p>{@link #padId()} fills batches; it is never a target of the loss. {@link #eosId()} ends a response and
 * is trained like any other response token, so the policy learns when to stop.
 */
public interface Tokenizer {

    int vocabSize();

    int padId();

    int eosId();

    /** Token ids of the text, without any special tokens. */
    int[] encode(String text);

    /** Text of the ids; special tokens (pad, eos) are dropped. */
    String decode(int[] ids, int from, int to);

    default String decode(int[] ids) {
        return decode(ids, 0, ids.length);
    }

    /**
     * Character offset in {@code decode(ids)} where each token's text starts, plus the total length at
     * index {@code ids.length}. Used to map text positions (such as reasoning-step boundaries) to tokens.
     */
    int[] charOffsets(int[] ids);
}
