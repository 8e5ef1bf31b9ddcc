package io.dl4jrl.text;

import io.dl4jrl.task.PromptFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chat templates as the models' own tokenizer_config.json files write them. */
class ChatTemplateTest {
    @TempDir
    Path dir;

    /** Qwen2's ChatML template, with its default system message. */
    static final String CHATML = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
            + "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}"
            + "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /** Llama 2's template: bos, [INST] ... [/INST], alternation enforced with raise_exception. */
    static final String LLAMA2 = "{{ bos_token }}{% for message in messages %}"
            + "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
            + "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
            + "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'].strip() + ' [/INST]' }}"
            + "{% elif message['role'] == 'assistant' %}{{ ' ' + message['content'].strip() + ' ' + eos_token }}{% endif %}{% endfor %}";

    Path config(String template) throws IOException {
        String json = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("chat_template", template)
                .put("bos_token", "<s>").put("eos_token", "</s>").toString();
        Files.writeString(dir.resolve("tokenizer_config.json"), json);
        return dir;
    }

    @Test
    void chatMlBecomesAPromptFormat() throws IOException {
        ChatTemplate t = ChatTemplate.load(config(CHATML)).orElseThrow();
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
                t.render(List.of(Map.of("role", "user", "content", "Hi")), true));
        PromptFormat f = t.promptFormat();
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n", f.questionPrefix());
        assertEquals("<|im_end|>\n<|im_start|>assistant\n", f.answerPrefix());
    }

    @Test
    void llama2TemplateWithBosAndRaiseException() throws IOException {
        ChatTemplate t = ChatTemplate.load(config(LLAMA2)).orElseThrow();
        assertEquals("<s>[INST] What is 2+2? [/INST] 4 </s>", t.render(List.of(Map.of("role", "user", "content", "What is 2+2? "),
                Map.of("role", "assistant", "content", "4")), false));
        PromptFormat f = t.promptFormat();
        assertEquals("<s>[INST] ", f.questionPrefix());
        assertEquals(" [/INST]", f.answerPrefix());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.render(List.of(Map.of("role", "assistant", "content", "x")), false));
        assertTrue(e.getMessage().contains("Conversation roles must alternate"), e.getMessage());
    }

    @Test
    void noTemplateIsEmpty() throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\"}");
        assertTrue(ChatTemplate.load(dir).isEmpty());
    }
}
