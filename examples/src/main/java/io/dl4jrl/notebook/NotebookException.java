package io.dl4jrl.notebook;

/** A notebook that cannot be read or whose cell failed; the message names the notebook and the cell. */
public class NotebookException extends RuntimeException {
    public NotebookException(String message) {
        super(message);
    }

    public NotebookException(String message, Throwable cause) {
        super(message, cause);
    }
}
