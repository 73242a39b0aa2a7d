/*
 * javacard.framework.MultiSelectable (Java Card 3.0.5 Classic): applets that implement it may
 * be active on several logical channels at once, or next to another applet of their package.
 */
package javacard.framework;

/** An applet that may be selected on more than one logical channel at the same time. */
public interface MultiSelectable {
    /**
     * Called instead of Applet.select() when this applet, or another of its package, is
     * already active on another channel; returns false to refuse the selection.
     */
    boolean select(boolean appInstAlreadyActive);

    /**
     * Called instead of Applet.deselect() when this applet, or another of its package, stays
     * active on another channel.
     */
    void deselect(boolean appInstStillActive);
}
