/*
 * javacard.framework.AppletEvent (Java Card 3.0.5 Classic): life cycle callback of applets.
 */
package javacard.framework;

/** Implemented by an applet that wants to know when it is deleted. */
public interface AppletEvent {
    /**
     * Called by the card before the applet instance is deleted (GP DELETE), so the applet can
     * release resources it shares with others. Exceptions it throws are ignored.
     */
    void uninstall();
}
