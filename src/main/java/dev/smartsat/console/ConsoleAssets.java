package dev.smartsat.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.rendering.template.JavalinJte;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * What the console's pages are made with: the templates, compiled into the jar at build time, and the two files
 * of its webjars it loads (Pico's style sheet, htmx), served by the satellite itself and nothing else of those
 * jars (SPEC §12: an air-gapped site has no internet).
 */
public final class ConsoleAssets {
    private static final String HOSTED = "/console/assets";
    private static final String PICO_FILE = "picocss__pico/2.1.1/css/pico.min.css";
    private static final String HTMX_FILE = "htmx.org/2.0.10/dist/htmx.min.js";
    public static final String PICO = HOSTED + "/" + PICO_FILE;
    public static final String HTMX = HOSTED + "/" + HTMX_FILE;
    /** The console's own few rules; versioned by hand, so a change gets a new name. */
    public static final String CONSOLE_CSS = HOSTED + "/smartsat-1.css";
    // Two routes of their own rather than Javalin's static files: a class-path folder is looked up in the first
    // jar that has it (every webjar has META-INF/resources/webjars, Swagger UI's comes first), and these jars
    // hold no entries for their own folders. Read once: 130 KB.
    private static final byte[] PICO_BYTES = webjarFile(PICO_FILE);
    private static final byte[] HTMX_BYTES = webjarFile(HTMX_FILE);
    private static final byte[] CONSOLE_CSS_BYTES = resource("/dev/smartsat/console/console.css");

    private ConsoleAssets() {}

    /** Adds the template renderer to the server's configuration. */
    public static void configure(JavalinConfig config) {
        // Precompiled: the classes jte-maven-plugin generated; nothing is compiled, or read from disk, at run time.
        config.fileRenderer(new JavalinJte(TemplateEngine.createPrecompiled(ContentType.Html)));
    }

    public static void pico(Context ctx) {
        send(ctx, "text/css; charset=utf-8", PICO_BYTES);
    }

    public static void htmx(Context ctx) {
        send(ctx, "text/javascript; charset=utf-8", HTMX_BYTES);
    }

    public static void consoleCss(Context ctx) {
        send(ctx, "text/css; charset=utf-8", CONSOLE_CSS_BYTES);
    }

    /** The file names its version, so a browser may keep it for a year. */
    private static void send(Context ctx, String type, byte[] bytes) {
        ctx.header("Cache-Control", "max-age=31622400").contentType(type).result(bytes);
    }

    private static byte[] webjarFile(String file) {
        return resource("/META-INF/resources/webjars/" + file);
    }

    private static byte[] resource(String resource) {
        try (InputStream in = ConsoleAssets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path (a webjar's version"
                        + " changed?)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
