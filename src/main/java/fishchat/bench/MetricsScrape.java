package fishchat.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Reads unlabelled series from a Prometheus text page, such as a fishchat node's /metrics. */
final class MetricsScrape {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final URI url;

    MetricsScrape(URI url) {
        this.url = url;
    }

    /** Every unlabelled series on the page, by name. */
    Map<String, Double> read() throws IOException, InterruptedException {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(url).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        if (page.statusCode() != 200) {
            throw new IOException(url + " answered " + page.statusCode());
        }
        Map<String, Double> series = new HashMap<>();
        for (String line : page.body().split("\n")) {
            int space = line.indexOf(' ');
            if (line.startsWith("#") || space <= 0 || line.indexOf('{') >= 0) {
                continue;
            }
            try {
                series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1).trim()));
            } catch (NumberFormatException e) {
                // not a plain sample line: skip it
            }
        }
        return series;
    }

    @Override
    public String toString() {
        return url.toString();
    }
}
