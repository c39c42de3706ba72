/* The floor for start-up: a bare WebKitGTK window (GTK 3, WebKit2GTK 4.1, the
 * libraries the app's Tauri/wry window uses) showing a static page, at the
 * app's window size, with WebKit's defaults. measure-startup.sh builds it:
 *   cc bare_window.c $(pkg-config --cflags --libs webkit2gtk-4.1)
 * Usage: bare-window file:///path/to/page.html */
#include <gtk/gtk.h>
#include <webkit2/webkit2.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        g_printerr("usage: %s URI\n", argv[0]);
        return 2;
    }
    gtk_init(&argc, &argv);
    GtkWidget *window = gtk_window_new(GTK_WINDOW_TOPLEVEL);
    gtk_window_set_title(GTK_WINDOW(window), "Bare WebKitGTK window");
    gtk_window_set_default_size(GTK_WINDOW(window), 1280, 820);
    g_signal_connect(window, "destroy", G_CALLBACK(gtk_main_quit), NULL);
    GtkWidget *view = webkit_web_view_new();
    gtk_container_add(GTK_CONTAINER(window), view);
    webkit_web_view_load_uri(WEBKIT_WEB_VIEW(view), argv[1]);
    gtk_widget_show_all(window);
    gtk_main();
    return 0;
}
