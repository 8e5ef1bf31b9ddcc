package io.dl4jrl.pref;

import io.dl4jrl.policy.CausalLm;
import io.dl4jrl.text.Tokenizer;
import io.dl4jrl.train.OffHeapCollector;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A language model prompted as a judge (Bai et al., 2022; Lee et al., 2023, "RLAIF"): the judge prompt is
 * {@code template} with {@code {prompt}} and {@code {response}} filled in, and the score is the model's probability
 * of the "yes" verdict token against the "no" one at the next position, p(yes) / (p(yes) + p(no)) = σ(z_yes − z_no)
 * (the normalised-verdict scoring RLAIF uses instead of sampling a verdict). Any {@link CausalLm} serves: a policy
 * checkpoint, a pretrained model, or a judge fine-tuned on verdicts ({@link VerdictData}).
 */
public final class PromptedJudge implements Judge {
    /** The default judge prompt: the exchange, then a verdict line. */
    public static final String DEFAULT_TEMPLATE = "{prompt}{response}\nVerdict: ";
    private static final int CHUNK = 32;

    private final CausalLm model;
    private final Tokenizer tokenizer;
    private final String template;
    private final int yes;
    private final int no;
    private final OffHeapCollector collector = new OffHeapCollector();

    /**
     * @param template judge prompt with placeholders {@code {prompt}} and {@code {response}}
     * @param yes      the verdict text for a good response; must be one token
     * @param no       the verdict text for a bad response; must be one token
     */
    public PromptedJudge(CausalLm model, Tokenizer tokenizer, String template, String yes, String no) {
        if (!template.contains("{prompt}") || !template.contains("{response}")) {
            throw new IllegalArgumentException("judge template must contain {prompt} and {response}, got '" + template + "'");
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.template = template;
        this.yes = singleToken(yes, "yes");
        this.no = singleToken(no, "no");
        if (this.yes == this.no) {
            throw new IllegalArgumentException("the yes and no verdicts are the same token");
        }
    }

    /** The default template with verdicts "Y" and "N". */
    public PromptedJudge(CausalLm model, Tokenizer tokenizer) {
        this(model, tokenizer, DEFAULT_TEMPLATE, "Y", "N");
    }

    private int singleToken(String text, String which) {
        int[] ids = tokenizer.encode(text);
        if (ids.length != 1) {
            throw new IllegalArgumentException("the " + which + " verdict '" + text + "' must be one token, is " + ids.length);
        }
        return ids[0];
    }

    /** The judge prompt for one exchange. */
    public String judgePrompt(String prompt, String response) {
        return template.replace("{prompt}", prompt).replace("{response}", response);
    }

    @Override
    public String name() {
        return "prompted-judge";
    }

    @Override
    public double[] judge(List<String> prompts, List<String> responses) {
        if (prompts.size() != responses.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts for " + responses.size() + " responses");
        }
        List<int[]> seqs = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            int[] ids = tokenizer.encode(judgePrompt(prompts.get(i), responses.get(i)));
            int excess = ids.length - model.contextLength();
            // Over-long exchanges keep their end: the verdict position and the response's last tokens matter most.
            seqs.add(excess > 0 ? Arrays.copyOfRange(ids, excess, ids.length) : ids);
        }
        double[] out = new double[seqs.size()];
        for (int from = 0; from < seqs.size(); from += CHUNK) {
            List<int[]> chunk = seqs.subList(from, Math.min(seqs.size(), from + CHUNK));
            int width = chunk.stream().mapToInt(s -> s.length).max().orElse(1);
            int[][] ids = new int[chunk.size()][width];
            for (int i = 0; i < chunk.size(); i++) {
                Arrays.fill(ids[i], tokenizer.padId());
                System.arraycopy(chunk.get(i), 0, ids[i], 0, chunk.get(i).length);
            }
            String logits = model.graph().logits();
            INDArray z = model.graph().sameDiff().output(Map.of(model.graph().inputIds(), Nd4j.createFromArray(ids).castTo(DataType.INT32)),
                    logits).get(logits);
            for (int i = 0; i < chunk.size(); i++) {
                int last = chunk.get(i).length - 1;
                double d = z.getDouble(i, last, yes) - z.getDouble(i, last, no);
                out[from + i] = 1 / (1 + Math.exp(-d));
            }
            collector.afterWork();
        }
        return out;
    }
}
