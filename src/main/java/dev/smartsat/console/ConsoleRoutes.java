package dev.smartsat.console;

import io.javalin.http.Handler;

/**
 * Where a page of the console declares its routes: the server's route table, which marks them as checking their
 * own session (the console knows nothing of the API's access levels).
 */
public interface ConsoleRoutes {
    void get(String path, Handler handler);

    void post(String path, Handler handler);
}
