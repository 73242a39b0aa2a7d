/*
 * javacard.framework.Shareable (Java Card 3.0.5 Classic): the marker of interfaces whose
 * methods may be called across the firewall (JCRE specification §6.2.4).
 */
package javacard.framework;

/**
 * Marks an interface as shareable: a server applet hands out objects through it from
 * getShareableInterfaceObject, and the card lets other contexts invoke its methods.
 */
public interface Shareable {}
