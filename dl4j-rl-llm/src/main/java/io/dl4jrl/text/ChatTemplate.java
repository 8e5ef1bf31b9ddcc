package io.dl4jrl.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import io.dl4jrl.hf.HfConfigJson;
import io.dl4jrl.task.PromptFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Hugging Face chat template ({@code chat_template} in {@code tokenizer_config.json}, a Jinja template over
 * {@code messages}, {@code add_generation_prompt}, {@code bos_token}, {@code eos_token}) rendered with Jinjava under
 * the settings transformers uses (trim_blocks, lstrip_blocks, a {@code raise_exception} function).
 *
 * <p>{@link #promptFormat()} turns it into the library's {@link PromptFormat}: the template is rendered once for a
 * single user message holding a sentinel, with the generation prompt, and split around the sentinel, so every
 * trainer and the evaluator prompt an instruct model the way it was tuned, without rendering per problem.
 */
public final class ChatTemplate {
    private static final String SENTINEL = "\u0001QUESTION\u0001";
    private final String template;
    private final String bosToken;
    private final String eosToken;
    private final String source;

    public ChatTemplate(String template, String bosToken, String eosToken, String source) {
        this.template = template;
        this.bosToken = bosToken == null ? "" : bosToken;
        this.eosToken = eosToken == null ? "" : eosToken;
        this.source = source;
    }

    /** The directory's chat template, if its tokenizer_config.json has one (a string, or the "default" of a list). */
    public static Optional<ChatTemplate> load(Path dir) throws IOException {
        Path file = dir.resolve("tokenizer_config.json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonNode c = HfConfigJson.read(file);
        JsonNode t = c.get("chat_template");
        if (t == null || t.isNull()) {
            return Optional.empty();
        }
        String template = null;
        if (t.isTextual()) {
            template = t.asText();
        } else if (t.isArray()) {
            for (JsonNode named : t) {
                if ("default".equals(named.path("name").asText())) template = named.path("template").asText(null);
            }
        }
        if (template == null) {
            throw new IOException(file + ": chat_template must be a string or a list with a 'default' template");
        }
        return Optional.of(new ChatTemplate(template, HfConfigJson.specialToken(c, "bos_token", file),
                HfConfigJson.specialToken(c, "eos_token", file), file.toString()));
    }

    /** Renders {@code messages} ({role, content} maps). */
    public String render(List<Map<String, String>> messages, boolean addGenerationPrompt) {
        Jinjava jinja = new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true).build());
        jinja.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception", ChatTemplate.class,
                "raiseException", String.class));
        Map<String, Object> bindings = new HashMap<>();
        bindings.put("messages", messages);
        bindings.put("add_generation_prompt", addGenerationPrompt);
        bindings.put("bos_token", bosToken);
        bindings.put("eos_token", eosToken);
        RenderResult r = jinja.renderForResult(template, bindings);
        for (TemplateError e : r.getErrors()) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                Throwable cause = e.getException();
                while (cause != null && !(cause instanceof TemplateRejection) && cause.getCause() != null) {
                    cause = cause.getCause();
                }
                String why = cause instanceof TemplateRejection ? cause.getMessage() : e.getMessage();
                throw new IllegalArgumentException(source + ": chat template, line " + e.getLineno() + ": " + why);
            }
        }
        return r.getOutput();
    }

    /** Called by templates ({@code raise_exception('...')}) to reject a conversation. */
    public static String raiseException(String message) {
        throw new TemplateRejection(message);
    }

    /** What a template's raise_exception throws, told apart from Jinjava's own errors. */
    static final class TemplateRejection extends RuntimeException {
        TemplateRejection(String message) {
            super(message);
        }
    }

    /** The prompt format of a one-turn conversation: the user's question, then the assistant's turn. */
    public PromptFormat promptFormat() {
        String rendered = render(List.of(Map.of("role", "user", "content", SENTINEL)), true);
        int at = rendered.indexOf(SENTINEL);
        if (at < 0 || rendered.indexOf(SENTINEL, at + 1) >= 0) {
            throw new IllegalArgumentException(source + ": the chat template does not place the user's message exactly once");
        }
        return new PromptFormat(rendered.substring(0, at), rendered.substring(at + SENTINEL.length()));
    }
}
