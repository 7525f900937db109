package dev.smartsat.console;

import dev.smartsat.TestSatellite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser as far as the console's HTTP goes, for tests that need no real one: it keeps the cookies it is sent,
 * sends them back, and does not follow redirects, so a test sees each answer as it was.
 */
final class ConsoleBrowser {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final TestSatellite sat;
    private final HttpClient http;
    final Map<String, String> cookies = new LinkedHashMap<>();

    ConsoleBrowser(TestSatellite sat) {
        this.sat = sat;
        this.http = HttpClient.newBuilder().sslContext(TestSatellite.trusting(sat.dir().resolve("certs/ca.pem")))
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(sat.uri(path)).GET());
    }

    /** A form post; {@code headers} are extra header name/value pairs. */
    HttpResponse<String> post(String path, Map<String, String> fields, String... headers) {
        StringBuilder body = new StringBuilder();
        fields.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest.Builder b = HttpRequest.newBuilder(sat.uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b);
    }

    /** A browser signed in as the bootstrap admin ({@code "admin"}) or as a new client of {@code role}. */
    static ConsoleBrowser signedIn(TestSatellite sat, String role) {
        ConsoleBrowser b = new ConsoleBrowser(sat);
        TestSatellite.Client client = role.equals("admin") ? new TestSatellite.Client(
                sat.adminCredentials().get("client_id"), sat.adminCredentials().get("client_secret")) : sat.newClient(role);
        HttpResponse<String> r = b.signIn(client.id(), client.secret());
        if (r.statusCode() != 303) {
            throw new AssertionError("sign-in as " + role + " answered " + r.statusCode() + ": " + r.body());
        }
        return b;
    }

    /** A post of a body already encoded as {@code contentType} (a multipart upload, say), with the cookies. */
    HttpResponse<String> post(String path, String contentType, HttpRequest.BodyPublisher body) {
        return send(HttpRequest.newBuilder(sat.uri(path)).header("Content-Type", contentType).POST(body));
    }

    /** Signs in through the form, as a person would; the answer to the form's post. */
    HttpResponse<String> signIn(String clientId, String secret) {
        String csrf = csrfOf(get(Console.SIGN_IN).body());
        return post(Console.SIGN_IN, Map.of("csrf", csrf, "client_id", clientId, "client_secret", secret));
    }

    /** The CSRF token of the first form on a page. */
    static String csrfOf(String html) {
        Matcher m = CSRF.matcher(html);
        if (!m.find()) {
            throw new AssertionError("no CSRF field on the page: " + html);
        }
        return m.group(1);
    }

    static List<String> setCookies(HttpResponse<String> r) {
        return r.headers().allValues("Set-Cookie");
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        if (!cookies.isEmpty()) {
            StringBuilder header = new StringBuilder();
            cookies.forEach((k, v) -> header.append(header.length() == 0 ? "" : "; ").append(k).append('=').append(v));
            b.header("Cookie", header.toString());
        }
        try {
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            for (String c : setCookies(r)) {
                String pair = c.split(";", 2)[0];
                String name = pair.substring(0, pair.indexOf('='));
                String value = pair.substring(pair.indexOf('=') + 1);
                if (value.isEmpty() || c.contains("Max-Age=0")) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                }
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
