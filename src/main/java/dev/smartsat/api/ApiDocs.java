package dev.smartsat.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.javalin.http.staticfiles.StaticFileConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The API description (SPEC §13): the maintained OpenAPI document at {@code /backend/api/v1/openapi.json}, and
 * {@code /api-docs}, a Swagger UI page over it whose scripts and styles the satellite serves from its own jar.
 */
public final class ApiDocs {
    static final String DOCUMENT = "/backend/api/v1/openapi.json";
    static final String PAGE = "/api-docs";
    static final String PAGE_SCRIPT = PAGE + "/init.js";
    private static final String SWAGGER_UI_POM = "/META-INF/maven/org.webjars/swagger-ui/pom.properties";
    /** The webjar files the page loads; nothing else of the webjar is served. */
    private static final Set<String> ASSETS = Set.of("swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png");
    private static final String ASSET_FOLDER = "/webjars/swagger-ui/" + swaggerUiVersion() + "/";

    private final String document;
    private final String page;
    private final String script;

    /**
     * The document is kept as YAML, which a person can review, and served as JSON, which every tool reads; it is
     * converted once, at start, with the running version in {@code info.version}.
     */
    ApiDocs(String version) {
        try {
            JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(text("openapi.yaml"));
            ((ObjectNode) tree.get("info")).put("version", version);
            this.document = Json.MAPPER.writeValueAsString(tree);
        } catch (IOException e) {
            throw new UncheckedIOException("the API description in the jar cannot be read", e);
        }
        this.page = text("api-docs.html").replace("{assets}/", ASSET_FOLDER).replace("{script}", PAGE_SCRIPT);
        this.script = text("api-docs.js").replace("{document}", DOCUMENT);
    }

    /**
     * Serves Swagger UI's files from its jar under {@code /webjars}, read-only (GET and HEAD), and only those the page
     * loads: the webjar's own demo page would have a browser fetch a document from the internet.
     */
    public static void assets(StaticFileConfig files) {
        files.hostedPath = "/webjars";
        files.directory = "META-INF/resources/webjars";
        files.location = Location.CLASSPATH;
        files.headers = Map.of("Cache-Control", "max-age=31622400");
        files.skipFileFunction = request -> !isAsset(request.getRequestURI());
    }

    private static boolean isAsset(String uri) {
        return uri.startsWith(ASSET_FOLDER) && ASSETS.contains(uri.substring(ASSET_FOLDER.length()));
    }

    void document(Context ctx) {
        ctx.contentType("application/json").result(document);
    }

    void page(Context ctx) {
        ctx.contentType("text/html; charset=utf-8").result(page);
    }

    void script(Context ctx) {
        ctx.contentType("text/javascript; charset=utf-8").result(script);
    }

    /** The webjar's files sit under a folder named after its version, which its own Maven metadata tells. */
    private static String swaggerUiVersion() {
        try (InputStream in = ApiDocs.class.getResourceAsStream(SWAGGER_UI_POM)) {
            if (in == null) {
                throw new IllegalStateException("the Swagger UI webjar is missing from the class path");
            }
            Properties pom = new Properties();
            pom.load(in);
            return pom.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(String resource) {
        try (InputStream in = ApiDocs.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
