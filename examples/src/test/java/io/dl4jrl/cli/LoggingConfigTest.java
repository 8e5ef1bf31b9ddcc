package io.dl4jrl.cli;

import org.junit.jupiter.api.Test;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The command line's logback.xml parses. A malformed one (once: "--" inside a comment) makes Logback print its own
 * error report and fall back to DEBUG on standard output, which then lands in every notebook cell's output.
 */
class LoggingConfigTest {
    @Test
    void theCommandLinesLogbackConfigurationIsWellFormedXml() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/logback.xml")) {
            assertNotNull(in, "logback.xml on the class path");
            assertEquals("configuration", DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in).getDocumentElement().getTagName());
        }
    }
}
