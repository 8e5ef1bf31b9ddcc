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

    /** The class path's jars except Spark's, Scala's and Hadoop's, which a cluster's executors bring themselves. */
    static String[] applicationJars() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> e.endsWith(".jar"))
                .filter(e -> !e.contains("/org/apache/spark/") && !e.contains("/org/scala-lang/") && !e.contains("/org/apache/hadoop/"))
                .map(e -> java.nio.file.Path.of(e).toAbsolutePath().toString()).toArray(String[]::new);
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
        } else {
            // Executors of a cluster get this program's jars from the driver (Spark's own they have already), one
            // OpenMP thread per task as here, and JavaCPP's memory limit off as ./rl-llm sets it.
            conf.setJars(applicationJars()).setExecutorEnv("OMP_NUM_THREADS", System.getenv().getOrDefault("OMP_NUM_THREADS", "1"))
                    .set("spark.executor.extraJavaOptions", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0");
        }
        return new JavaSparkContext(conf);
    }
}
