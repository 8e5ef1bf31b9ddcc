package io.dl4jrl.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Spark contexts for the engines: {@code local[N]} in this JVM, or a cluster's master URL. */
public final class SparkEngines {
    private static final Pattern LOCAL = Pattern.compile("local\\[(\\d+|\\*)]");

    private SparkEngines() {
    }

    /**
     * A sampling engine on a new Spark context. {@code local[N]} becomes {@code local[N,4]}: Spark's local mode
     * otherwise runs each task once, and a cluster retries a failed task up to {@code spark.task.maxFailures} (4)
     * times; a retry gives the same responses.
     */
    public static SparkSamplingEngine sampling(String master, TokenizerSource tokenizer) {
        return new SparkSamplingEngine(context(master), tokenizer, true);
    }

    public static JavaSparkContext context(String master) {
        if (master == null || master.isBlank()) {
            throw new IllegalArgumentException("--spark needs a master URL: local[2], spark://host:7077, ...");
        }
        Matcher m = LOCAL.matcher(master.trim());
        String url = m.matches() ? "local[" + m.group(1) + ",4]" : master.trim();
        SparkConf conf = new SparkConf().setAppName("dl4j-rl-llm").setMaster(url).set("spark.ui.enabled", "false")
                .set("spark.ui.showConsoleProgress", "false");
        if (url.startsWith("local")) {
            conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        }
        return new JavaSparkContext(conf);
    }
}
